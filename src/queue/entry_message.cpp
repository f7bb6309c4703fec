// A queued message read back for delivery: what Message gives the session (message.hpp), from
// the entry's files, held as message/ holds a large input: the header section in memory, the
// rest read in slices while it is sent (issue 5: memory does not grow with the message).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "durable_file.hpp"
#include "entry_files.hpp"
#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kReadSlice = 128 * 1024;

// `message.7bit` as a ContentSource: already the bytes to send, handed out as read.
class FileSource final : public message::ContentSource {
 public:
  FileSource(std::shared_ptr<const message::SpooledBody> file) : file_(std::move(file)) {}
  std::uint64_t size() const noexcept override { return file_->raw_size(); }
  std::unique_ptr<message::ContentCursor> open() const override {
    return std::make_unique<Cursor>(file_);
  }

 private:
  class Cursor final : public message::ContentCursor {
   public:
    explicit Cursor(std::shared_ptr<const message::SpooledBody> file) : file_(std::move(file)) {}
    bool next(std::string& out, std::string& error) override {
      out.resize(kReadSlice);
      std::size_t got = 0;
      if (const std::error_code ec = file_->read_raw(at_, out, got)) {
        error = "cannot read " + file_->source() + " while sending it: " + ec.message();
        return false;
      }
      out.resize(got);
      at_ += got;
      return true;
    }

   private:
    std::shared_ptr<const message::SpooledBody> file_;
    std::uint64_t at_ = 0;
  };

  std::shared_ptr<const message::SpooledBody> file_;
};

bool read_at(int fd, std::uint64_t offset, std::size_t size, std::string& out,
             std::error_code& error) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = last_error();
      return false;
    }
    if (n == 0) {
      error = std::make_error_code(std::errc::io_error);  // shorter than fstat said
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// How much of `message` is held: all of a small one; of a large one, up to the end of its
// header section (searched within kMaxHeaderSection), else up to its last line break within
// kHeldWhole, so the rest starts on a line of its own.
std::size_t head_size(std::string_view start, std::uint64_t file_size) {
  if (file_size <= message::kHeldWhole) return start.size();
  const std::size_t end = start.find("\r\n\r\n");
  if (end != std::string_view::npos) return end + 4;
  const std::size_t last = start.substr(0, message::kHeldWhole).rfind("\r\n");
  return last == std::string_view::npos ? 0 : last + 2;
}

}  // namespace

bool LockedEntry::load_message(const Envelope& envelope, message::Message& out,
                               SpoolError& error) const {
  out = message::Message{};
  const fs::path path = message_path();
  out.source = "queued message " + id_;
  std::error_code ec;
  UniqueFd fd = open_file(path, O_RDONLY, 0, ec);
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    error = failure(SpoolFailure::unreadable, "read", path, ec ? ec : last_error());
    return false;
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto first = static_cast<std::size_t>(
      std::min<std::uint64_t>(size, size <= message::kHeldWhole ? size : message::kMaxHeaderSection));
  std::string start;
  if (!read_at(fd.get(), 0, first, start, ec)) {
    error = failure(SpoolFailure::unreadable, "read", path, ec);
    return false;
  }
  start.resize(head_size(start, size));
  out.content = std::move(start);
  if (out.content.size() < size) {
    const std::uint64_t rest = size - out.content.size();
    // The file holds wire bytes (canonical CRLF): raw size is wire size, and the reader
    // checks while sending that it still is.
    out.spooled = std::make_shared<message::SpooledBody>(fd.release(), out.content.size(), rest,
                                                         rest, path.string());
    out.spooled_eight_bit = envelope.eight_bit;
  }
  message::LoadError scan_error;
  if (!message::scan_headers(out.content, out.facts, scan_error)) {
    error = SpoolError{SpoolFailure::malformed, path.string() + ": " + scan_error.detail};
    return false;
  }
  out.eight_bit = envelope.eight_bit;
  out.seven_bit.error = envelope.seven_bit_error;
  if (has_seven_bit()) {
    const fs::path seven = seven_bit_path();
    UniqueFd seven_fd = open_file(seven, O_RDONLY, 0, ec);
    struct stat seven_st {};
    if (!seven_fd || ::fstat(seven_fd.get(), &seven_st) != 0) {
      error = failure(SpoolFailure::unreadable, "read", seven, ec ? ec : last_error());
      return false;
    }
    const auto seven_size = static_cast<std::uint64_t>(seven_st.st_size);
    auto file = std::make_shared<message::SpooledBody>(seven_fd.release(), 0, seven_size,
                                                       seven_size, seven.string());
    out.seven_bit_stream = std::make_shared<FileSource>(std::move(file));
  }
  return true;
}

}  // namespace smtpsend::queue
