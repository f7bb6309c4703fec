// Reading a message file or stdin. A message up to kHeldWhole bytes is read whole; of a larger
// one only the header section is held, and the rest stays in its file, or goes to an unlinked
// spool file when it comes through a pipe, because a message may be sent more than once
// (several destinations, the next MX host after a failure, a 452 split) and a pipe can be read
// only once. So memory does not grow with the message (issue 5), as Postfix's sendmail writes
// the queue file before anything is sent. The sendmail personality's stdin, ended by a dot line,
// is read through the same path (its bytes filtered first), so it is spooled too.
//
// Every byte read counts against --max-size, so an endless input (/dev/zero, `yes |`) stops
// there, and a spool grows only while its file system keeps room for everything else
// (docs/decisions.md "Input size and spool space").
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/message/dot_line_input.hpp"
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
// A spool leaves its file system kSpoolReserve free for everything else, or kSpoolReservePercent
// of a file system too small for that (a 16 MiB /tmp still spools a few MiB). Free space is
// looked up every kSpoolCheckStep spooled bytes: a statvfs per MiB costs nothing next to the
// writes, and the spool never takes more than a step (and a chunk) past a check.
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kSpoolReserve = 32 * kMiB;
constexpr std::uint64_t kSpoolReservePercent = 5;
constexpr std::uint64_t kSpoolCheckStep = 1 * kMiB;

bool fail(const std::string& name, int err, LoadError& error) {
  error.error = make_error_code(Errc::input_unreadable);
  error.detail = "cannot read " + name + ": " + std::strerror(err);
  return false;
}

bool too_large(const std::string& name, std::uint64_t max_size, LoadError& error) {
  error.error = make_error_code(Errc::input_too_large);
  error.detail = too_large_sentence(name, max_size);
  return false;
}

// Reading max_size + 1 bytes tells the input is too large.
std::size_t one_past(std::uint64_t max_size) {
  constexpr std::uint64_t kLargest = std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(max_size >= kLargest ? kLargest : max_size + 1);
}

std::string mebibytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / kMiB);
  return text;
}

// A full spool is a temporary failure (75), as Postfix answers 452 4.3.1 "Insufficient system
// storage": nothing was sent, and the same command succeeds once there is room.
bool spool_full(const std::string& name, const std::string& dir, const std::string& why,
                LoadError& error) {
  error.error = make_error_code(Errc::spool_full);
  error.detail = name + ": not enough free space to spool the message in " + dir + ": " + why +
                 " (TMPDIR chooses the directory)";
  return false;
}

// A spool that cannot be written for another reason is a local I/O error (74), not unreadable
// input.
bool fail_spool(const std::string& name, const std::string& dir, int err, LoadError& error) {
  if (err == ENOSPC || err == EDQUOT) return spool_full(name, dir, std::strerror(err), error);
  error.error = std::error_code(err, std::generic_category());
  error.detail = "cannot spool " + name + " to " + dir + ": " + std::strerror(err);
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

// The message's bytes from a descriptor: all of them, or, for the sendmail personality, those
// before the dot line (dot_line_input.hpp), which is found in what read(2) returned, so nothing
// past it is waited for. read(2)'s contract: bytes read, 0 at the end of the message, or -1 with
// errno; EINTR is retried because a signal during a pipe read is no error.
class InputStream {
 public:
  InputStream(int fd, bool ends_at_dot_line) : fd_(fd), ends_at_dot_line_(ends_at_dot_line) {}

  int fd() const noexcept { return fd_; }
  ssize_t read(char* into, std::size_t size);

 private:
  ssize_t read_raw(char* into, std::size_t size) const;

  int fd_;
  bool ends_at_dot_line_;
  DotLineFilter filter_;
  std::string raw_;
  std::string filtered_;  // message bytes not yet handed out start at filtered_pos_
  std::size_t filtered_pos_ = 0;
};

ssize_t InputStream::read_raw(char* into, std::size_t size) const {
  for (;;) {
    const ssize_t got = ::read(fd_, into, size);
    if (got >= 0 || errno != EINTR) return got;
  }
}

ssize_t InputStream::read(char* into, std::size_t size) {
  if (!ends_at_dot_line_) return read_raw(into, size);
  while (filtered_pos_ == filtered_.size()) {
    if (filter_.ended()) return 0;
    filtered_.clear();
    filtered_pos_ = 0;
    raw_.resize(kSpoolChunk);
    const ssize_t got = read_raw(raw_.data(), raw_.size());
    if (got < 0) return got;
    if (got == 0) {
      filter_.finish();
      return 0;
    }
    filter_.feed(std::string_view(raw_).substr(0, static_cast<std::size_t>(got)), filtered_);
  }
  const std::size_t count = std::min(size, filtered_.size() - filtered_pos_);
  std::memcpy(into, filtered_.data() + filtered_pos_, count);
  filtered_pos_ += count;
  return static_cast<ssize_t>(count);
}

// Reads until the end of the message or until `out` holds `limit` bytes. Returns 0 or errno.
int read_up_to(InputStream& in, std::string& out, std::size_t limit) {
  while (out.size() < limit) {
    const std::size_t old_size = out.size();
    const std::size_t room = out.capacity() - old_size;
    const std::size_t chunk =
        std::min(limit - old_size, room > 0 ? std::min(room, kReadChunk) : kReadChunk);
    out.resize(old_size + chunk);
    const ssize_t got = in.read(out.data() + old_size, chunk);
    if (got < 0) {
      const int err = errno;
      out.resize(old_size);
      return err;
    }
    out.resize(old_size + static_cast<std::size_t>(got));
    if (got == 0) return 0;
  }
  return 0;
}

// The canonical size, the 8-bit fact and the long-line fact of a tail, from its raw bytes in
// order. A raw line break is CR, LF or CRLF (each becomes one CRLF), so a raw line over
// kMaxLineOctets is one in canonical form too.
class TailFacts {
 public:
  void add(std::string_view raw) {
    size_.add(raw);
    eight_bit_ = eight_bit_ || has_eight_bit(raw);
    if (!long_line_) count_lines(raw);
  }
  std::uint64_t finish() const { return size_.finish(); }
  bool eight_bit() const noexcept { return eight_bit_; }
  bool long_line() const noexcept { return long_line_; }

 private:
  void count_lines(std::string_view raw) {
    for (std::size_t at = 0; at < raw.size() && !long_line_;) {
      const std::size_t brk = std::min(raw.find_first_of("\r\n", at), raw.size());
      line_octets_ += brk - at;
      long_line_ = line_octets_ > kMaxLineOctets;
      if (brk < raw.size()) line_octets_ = 0;
      at = brk + 1;
    }
  }

  CanonicalSize size_;
  bool eight_bit_ = false;
  bool long_line_ = false;
  std::uint64_t line_octets_ = 0;
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
  if (status == HeaderParseStatus::need_more) {
    // A header line already past 998 octets (RFC 5322 §2.1.1) and not ended: the held bytes
    // keep it, so the scanner names that line rather than a section that "does not end".
    const std::string_view open_line = held.substr(lines);
    const bool too_long = lines > 0 && open_line.size() > kMaxHeaderLine + 2;
    if (too_long) return held.ends_with('\r') ? held.size() - 1 : held.size();
    return std::string::npos;
  }
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
  out.tail_long_line = facts.long_line();
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

// The free space of the spool's file system, looked up as the spool grows: the size of a pipe's
// input is known only at its end.
class SpoolRoom {
 public:
  // False with Errc::spool_full when writing kSpoolCheckStep more would leave less than the
  // reserve free.
  bool check(int spool, std::uint64_t spooled, const std::string& name, const std::string& dir,
             LoadError& error);

 private:
  std::uint64_t next_check_ = 0;
};

bool SpoolRoom::check(int spool, std::uint64_t spooled, const std::string& name,
                      const std::string& dir, LoadError& error) {
  if (spooled < next_check_) return true;
  struct statvfs fs {};
  // Without an answer (or a file system that reports no size, as some network and FUSE file
  // systems do) the writes still fail with ENOSPC when it is full.
  if (::fstatvfs(spool, &fs) != 0 || fs.f_blocks == 0) return true;
  const std::uint64_t unit = fs.f_frsize != 0 ? fs.f_frsize : fs.f_bsize;
  // f_bavail, not f_bfree: the blocks reserved for root are not this spool's to take.
  const std::uint64_t free = static_cast<std::uint64_t>(fs.f_bavail) * unit;
  const std::uint64_t size = static_cast<std::uint64_t>(fs.f_blocks) * unit;
  const std::uint64_t reserve = std::min(kSpoolReserve, size / 100 * kSpoolReservePercent);
  if (free >= reserve + kSpoolCheckStep) {
    next_check_ = spooled + kSpoolCheckStep;
    return true;
  }
  return spool_full(name, dir,
                    mebibytes(free) + " free, " + mebibytes(reserve) + " kept for others", error);
}

// The rest of a pipe goes to the spool as it arrives. `held` input bytes came before `first`.
bool tail_in_spool(InputStream& input, std::string_view first, std::uint64_t held,
                   const std::string& name, std::uint64_t max_size, RawMessage& out,
                   LoadError& error) {
  std::string dir;
  Descriptor spool(open_spool(dir));
  if (spool.get() < 0) return fail_spool(name, dir, errno, error);
  // A larger pipe buffer means fewer wake-ups per megabyte for the writer and for us; the
  // kernel may refuse (pipe-max-size), which costs only speed.
  ::fcntl(input.fd(), F_SETPIPE_SZ, static_cast<int>(kPipeBuffer));
  SpoolRoom room;
  TailFacts facts;
  std::uint64_t raw_size = 0;
  std::string buffer(kSpoolChunk, '\0');
  for (std::string_view chunk = first;;) {
    // Checked before the bytes are written: a spool never holds more than --max-size.
    if (chunk.size() > max_size - held - raw_size) return too_large(name, max_size, error);
    if (!room.check(spool.get(), raw_size, name, dir, error)) return false;
    if (!write_all(spool.get(), chunk)) return fail_spool(name, dir, errno, error);
    facts.add(chunk);
    raw_size += chunk.size();
    const ssize_t got = input.read(buffer.data(), buffer.size());
    if (got < 0) return fail(name, errno, error);
    if (got == 0) break;
    chunk = std::string_view(buffer).substr(0, static_cast<std::size_t>(got));
  }
  out.tail_eight_bit = facts.eight_bit();
  out.tail_long_line = facts.long_line();
  out.tail =
      std::make_shared<const SpooledBody>(spool.release(), 0, raw_size, facts.finish(), name);
  return true;
}

}  // namespace

std::string too_large_sentence(std::string_view source, std::uint64_t max_size) {
  return std::string(source) + ": message too large: more than " + std::to_string(max_size) +
         " bytes (--max-size)";
}

bool read_input(const std::string& path, std::string& out, LoadError& error,
                std::uint64_t max_size) {
  RawMessage raw;
  if (!read_message_input(path, raw, error, InputOptions{max_size, false}, /*whole=*/true)) {
    return false;
  }
  out = std::move(raw.head);
  return true;
}

bool read_message_input(const std::string& path, RawMessage& out, LoadError& error,
                        const InputOptions& options, bool whole) {
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
  const bool dot_line = from_stdin && options.ends_at_dot_line;
  const auto file_size = [&] {
    return static_cast<std::uint64_t>(st.st_size > start ? st.st_size - start : 0);
  };
  // A regular file's size is known before reading: one too large is refused unread. (A dot line
  // may end stdin before its end, so that file is read.)
  if (regular && start >= 0 && !dot_line && file_size() > options.max_size) {
    return too_large(name, options.max_size, error);
  }
  InputStream in(fd.get(), dot_line);
  const std::size_t past_limit = one_past(options.max_size);
  std::size_t limit = std::min(whole ? std::string::npos : kHeldWhole + 1, past_limit);
  if (regular && file_size() > 0) {
    // Room for what is held, the read that sees end of file, and the Date/Message-ID lines
    // added later, so none of them reallocates (and copies) the message.
    out.head.reserve(std::min(static_cast<std::size_t>(file_size()), limit) + kHeaderRoom);
  }
  if (const int err = read_up_to(in, out.head, limit)) return fail(name, err, error);
  if (out.head.size() > options.max_size) return too_large(name, options.max_size, error);
  if (out.head.size() < limit) return true;

  // Only the header section is held; one longer than the held bytes is read to its end.
  std::size_t cut = body_start(out.head);
  while (cut == std::string::npos && limit < kMaxHeld) {
    limit = std::min({limit + kHeldWhole, kMaxHeld, past_limit});
    if (const int err = read_up_to(in, out.head, limit)) return fail(name, err, error);
    if (out.head.size() > options.max_size) return too_large(name, options.max_size, error);
    if (out.head.size() < limit) return true;
    cut = body_start(out.head);
  }
  if (cut == std::string::npos) cut = head_cut(out.head);  // the scanner says what is wrong
  const std::string rest = out.head.substr(cut);
  out.head.resize(cut);
  out.head.shrink_to_fit();
  // The size now, not at open: the file may have grown since (what is there now is sent).
  const std::uint64_t held = cut + rest.size();
  const bool sized = !dot_line && regular && start >= 0 && ::fstat(fd.get(), &st) == 0 &&
                     file_size() >= held;
  if (sized && file_size() > options.max_size) return too_large(name, options.max_size, error);
  const bool ok = sized ? tail_in_file(fd, static_cast<std::uint64_t>(start) + cut,
                                       file_size() - cut, name, out, error)
                        : tail_in_spool(in, rest, cut, name, options.max_size, out, error);
  return ok;
}

}  // namespace smtpsend::message
