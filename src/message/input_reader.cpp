// Reading a message file or stdin. A message up to kHeldWhole bytes is read whole; of a larger
// one only the header section is held, and the rest stays in its file, or goes to an unlinked
// spool file when it comes through a pipe, because a message may be sent more than once
// (several destinations, the next MX host after a failure, a 452 split) and a pipe can be read
// only once. So memory does not grow with the message (issue 5), as Postfix's sendmail writes
// the queue file before anything is sent.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kHeaderRoom = 4096;
constexpr std::size_t kSpoolChunk = 128 * 1024;
constexpr std::size_t kPipeBuffer = 1024 * 1024;
// A header section may be as long as kMaxHeaderSection; its lines then reach a little further.
constexpr std::size_t kMaxHeld = kMaxHeaderSection + 64 * 1024;

bool fail(const std::string& name, int err, LoadError& error) {
  error.error = make_error_code(Errc::input_unreadable);
  error.detail = "cannot read " + name + ": " + std::strerror(err);
  return false;
}

// A spool that cannot be written is a local I/O error (74), not unreadable input.
bool fail_spool(const std::string& what, int err, LoadError& error) {
  error.error = std::error_code(err, std::generic_category());
  error.detail = "cannot spool stdin to " + what + ": " + std::strerror(err);
  return false;
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const noexcept { return fd_; }
  int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// read(2) until end of file or until `out` holds `limit` bytes; EINTR is retried because a
// signal during a pipe read is no error. Returns 0 or errno.
int read_up_to(int fd, std::string& out, std::size_t limit) {
  while (out.size() < limit) {
    const std::size_t old_size = out.size();
    const std::size_t room = out.capacity() - old_size;
    const std::size_t chunk =
        std::min(limit - old_size, room > 0 ? std::min(room, kReadChunk) : kReadChunk);
    out.resize(old_size + chunk);
    const ssize_t got = ::read(fd, out.data() + old_size, chunk);
    if (got < 0) {
      out.resize(old_size);
      if (errno == EINTR) continue;
      return errno;
    }
    out.resize(old_size + static_cast<std::size_t>(got));
    if (got == 0) return 0;
  }
  return 0;
}

// The canonical size and the 8-bit fact of a tail, from its raw bytes in order.
class TailFacts {
 public:
  void add(std::string_view raw) {
    size_.add(raw);
    eight_bit_ = eight_bit_ || has_eight_bit(raw);
  }
  std::uint64_t finish() const { return size_.finish(); }
  bool eight_bit() const noexcept { return eight_bit_; }

 private:
  CanonicalSize size_;
  bool eight_bit_ = false;
};

// The held bytes end at a line break, so the tail starts a line (or, for a first kHeldWhole
// bytes without one, never between a CR and its LF).
std::size_t head_cut(std::string_view held) {
  const std::size_t lf = held.rfind('\n');
  if (lf != std::string_view::npos) return lf + 1;
  return held.ends_with('\r') ? held.size() - 1 : held.size();
}

// The raw length whose canonical form is `canonical` bytes long (a line boundary).
std::size_t raw_length_of(std::string_view raw, std::size_t canonical) {
  std::size_t r = 0;
  for (std::size_t c = 0; c < canonical && r < raw.size(); ++r) {
    if (raw[r] == '\r' && r + 1 < raw.size() && raw[r + 1] == '\n') ++r;
    c += raw[r] == '\n' || raw[r] == '\r' ? 2 : 1;
  }
  return r;
}

// Where the body of held raw bytes starts, as the scanner will see it once they are canonical:
// after the empty line ending the header section. Input that does not open with a header field
// is all body: its held bytes stay held, up to a line break. npos: the held bytes end inside the
// header section. A malformed section is cut like body; the scanner then reports it.
std::size_t body_start(std::string_view held) {
  const std::size_t lines = head_cut(held);
  HeaderParser parser;
  const HeaderParseStatus status = parser.feed(canonicalize_crlf(held.substr(0, lines)));
  if (status == HeaderParseStatus::need_more) return std::string::npos;
  if (status == HeaderParseStatus::error || !parser.has_header_section()) return lines;
  return raw_length_of(held, parser.body_offset());
}

// The rest of a regular file stays where it is; one pass finds its canonical size.
bool tail_in_file(Descriptor& fd, std::uint64_t offset, std::uint64_t raw_size,
                  const std::string& name, RawMessage& out, LoadError& error) {
  TailFacts facts;
  std::string chunk(kSpoolChunk, '\0');
  for (std::uint64_t at = 0; at < raw_size;) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(raw_size - at, chunk.size()));
    const ssize_t got = ::pread(fd.get(), chunk.data(), want, static_cast<off_t>(offset + at));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(name, errno, error);
    if (got == 0) return fail(name, ESPIPE, error);  // truncated while being read
    facts.add(std::string_view(chunk).substr(0, static_cast<std::size_t>(got)));
    at += static_cast<std::uint64_t>(got);
  }
  out.tail_eight_bit = facts.eight_bit();
  out.tail =
      std::make_shared<const SpooledBody>(fd.release(), offset, raw_size, facts.finish(), name);
  return true;
}

// An unlinked file in $TMPDIR (else /tmp), readable only by this process.
int open_spool(std::string& dir) {
  const char* tmpdir = std::getenv("TMPDIR");
  dir = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR)) return fd;
  // A file system without O_TMPFILE: a named file, unlinked at once.
  std::string path = dir + "/smtpsend-spool-XXXXXX";
  const int named = ::mkostemp(path.data(), O_CLOEXEC);
  if (named >= 0) ::unlink(path.c_str());
  return named;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The rest of a pipe goes to the spool as it arrives.
bool tail_in_spool(int input, std::string_view first, const std::string& name, RawMessage& out,
                   LoadError& error) {
  std::string dir;
  Descriptor spool(open_spool(dir));
  if (spool.get() < 0) return fail_spool(dir, errno, error);
  // A larger pipe buffer means fewer wake-ups per megabyte for the writer and for us; the
  // kernel may refuse (pipe-max-size), which costs only speed.
  ::fcntl(input, F_SETPIPE_SZ, static_cast<int>(kPipeBuffer));
  TailFacts facts;
  std::uint64_t raw_size = 0;
  std::string buffer(kSpoolChunk, '\0');
  for (std::string_view chunk = first;;) {
    if (!write_all(spool.get(), chunk)) return fail_spool(dir, errno, error);
    facts.add(chunk);
    raw_size += chunk.size();
    const ssize_t got = ::read(input, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) {
      chunk = {};
      continue;
    }
    if (got < 0) return fail(name, errno, error);
    if (got == 0) break;
    chunk = std::string_view(buffer).substr(0, static_cast<std::size_t>(got));
  }
  out.tail_eight_bit = facts.eight_bit();
  out.tail =
      std::make_shared<const SpooledBody>(spool.release(), 0, raw_size, facts.finish(), name);
  return true;
}

}  // namespace

bool read_input(const std::string& path, std::string& out, LoadError& error) {
  RawMessage raw;
  if (!read_message_input(path, raw, error, /*whole=*/true)) return false;
  out = std::move(raw.head);
  return true;
}

bool read_message_input(const std::string& path, RawMessage& out, LoadError& error, bool whole) {
  out = RawMessage{};
  const bool from_stdin = path == "-";
  const std::string name = from_stdin ? "stdin" : path;
  // stdin is duplicated so that a tail left in it owns a descriptor of its own.
  Descriptor fd(from_stdin ? ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0)
                           : ::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(name, errno, error);
  struct stat st {};
  const bool regular = ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
  const off_t start = regular ? ::lseek(fd.get(), 0, SEEK_CUR) : -1;
  std::size_t limit = whole ? std::string::npos : kHeldWhole + 1;
  if (regular && st.st_size > start) {
    // Room for what is held, the read that sees end of file, and the Date/Message-ID lines
    // added later, so none of them reallocates (and copies) the message.
    out.head.reserve(std::min(static_cast<std::size_t>(st.st_size - start), limit) + kHeaderRoom);
  }
  if (const int err = read_up_to(fd.get(), out.head, limit)) return fail(name, err, error);
  if (out.head.size() < limit) return true;

  // Only the header section is held; one longer than the held bytes is read to its end.
  std::size_t cut = body_start(out.head);
  while (cut == std::string::npos && limit < kMaxHeld) {
    limit = std::min(limit + kHeldWhole, kMaxHeld);
    if (const int err = read_up_to(fd.get(), out.head, limit)) return fail(name, err, error);
    if (out.head.size() < limit) return true;
    cut = body_start(out.head);
  }
  if (cut == std::string::npos) cut = head_cut(out.head);  // the scanner says what is wrong
  const std::string rest = out.head.substr(cut);
  out.head.resize(cut);
  out.head.shrink_to_fit();
  // The size now, not at open: the file may have grown since (what is there now is sent).
  const std::uint64_t held = cut + rest.size();
  const bool sized = regular && start >= 0 && ::fstat(fd.get(), &st) == 0 &&
                     static_cast<std::uint64_t>(st.st_size - start) >= held;
  const bool ok =
      sized ? tail_in_file(fd, static_cast<std::uint64_t>(start) + cut,
                           static_cast<std::uint64_t>(st.st_size - start) - cut, name, out, error)
            : tail_in_spool(fd.get(), rest, name, out, error);
  return ok;
}

}  // namespace smtpsend::message
