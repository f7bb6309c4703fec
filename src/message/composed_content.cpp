// A composed message's attachments base64-encoded from their files while they are sent.
#include "smtpsend/message/composed_content.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

constexpr std::uint64_t kBase64LineInput = 57;  // octets per 76-character line (RFC 2045 §6.8)
// File octets encoded per step: whole lines, so the lines are those of base64_lines() over
// the whole file.
constexpr std::size_t kFileSlice = 57 * 2048;

class ComposedCursor final : public ContentCursor {
 public:
  explicit ComposedCursor(const std::vector<ComposedPart>& parts) : parts_(parts) {}

  bool next(std::string& out, std::string& error) override {
    out.clear();
    while (out.empty() && part_ < parts_.size()) {
      const ComposedPart& part = parts_[part_];
      if (!part.file) {
        out = part.text;
        ++part_;
      } else if (!next_lines(*part.file, out, error)) {
        return false;
      }
    }
    return true;
  }

 private:
  bool next_lines(const AttachedFile& file, std::string& out, std::string& error) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(file.size() - at_, kFileSlice));
    raw_.resize(want);
    for (std::size_t filled = 0; filled < want;) {
      std::size_t got = 0;
      const std::error_code ec =
          file.read(at_ + filled, std::span<char>(raw_).subspan(filled), got);
      if (ec) {
        error = "cannot read " + file.path() + " while sending it: " + ec.message();
        return false;
      }
      if (got == 0) {
        error = file.path() + " changed while it was being sent";
        return false;
      }
      filled += got;
    }
    out = base64_lines(raw_);
    at_ += want;
    if (at_ == file.size()) {
      at_ = 0;
      ++part_;
    }
    return true;
  }

  const std::vector<ComposedPart>& parts_;
  std::size_t part_ = 0;
  std::uint64_t at_ = 0;  // in the current file
  std::string raw_;
};

}  // namespace

AttachedFile::AttachedFile(int fd, std::uint64_t size, std::string path)
    : fd_(fd), size_(size), path_(std::move(path)) {}

AttachedFile::~AttachedFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::error_code AttachedFile::read(std::uint64_t at, std::span<char> into, std::size_t& got) const {
  got = 0;
  for (;;) {
    const ssize_t n = ::pread(fd_, into.data(), into.size(), static_cast<off_t>(at));
    if (n >= 0) {
      got = static_cast<std::size_t>(n);
      return {};
    }
    if (errno != EINTR) return {errno, std::generic_category()};
  }
}

std::uint64_t base64_lines_size(std::uint64_t bytes) noexcept {
  const std::uint64_t rest = bytes % kBase64LineInput;
  return bytes / kBase64LineInput * 78 + (rest == 0 ? 0 : 4 * ((rest + 2) / 3) + 2);
}

ComposedContent::ComposedContent(std::vector<ComposedPart> parts) : parts_(std::move(parts)) {
  for (const ComposedPart& part : parts_) {
    size_ += part.file ? base64_lines_size(part.file->size()) : part.text.size();
  }
}

std::unique_ptr<ContentCursor> ComposedContent::open() const {
  return std::make_unique<ComposedCursor>(parts_);
}

}  // namespace smtpsend::message
