// Reading a whole message file or stdin into memory. A message is sent whole and scanned for
// headers first, so there is no point streaming it from the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kHeaderRoom = 4096;

bool fail(const std::string& name, int err, LoadError& error) {
  error.error = make_error_code(Errc::input_unreadable);
  error.detail = "cannot read " + name + ": " + std::strerror(err);
  return false;
}

// read(2) until end of file; EINTR is retried because a signal during a pipe read is no error.
int read_all(int fd, std::string& out) {
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    // Room for the whole file, the read that sees end of file, and the Date/Message-ID lines
    // added later, so none of them reallocates (and copies) a large message.
    out.reserve(static_cast<std::size_t>(st.st_size) + kHeaderRoom);
  }
  for (;;) {
    const std::size_t old_size = out.size();
    const std::size_t room = out.capacity() - old_size;
    const std::size_t chunk = room > 0 ? std::min(room, kReadChunk) : kReadChunk;
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
}

}  // namespace

bool read_input(const std::string& path, std::string& out, LoadError& error) {
  out.clear();
  if (path == "-") {
    const int err = read_all(STDIN_FILENO, out);
    return err == 0 ? true : fail("stdin", err, error);
  }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(path, errno, error);
  const int err = read_all(fd, out);
  ::close(fd);
  return err == 0 ? true : fail(path, err, error);
}

}  // namespace smtpsend::message
