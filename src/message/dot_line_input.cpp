#include "smtpsend/message/dot_line_input.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::message {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

bool is_dot_line(std::string_view line) {
  return line == "." || line == ".\r";
}

}  // namespace

DotLineSearch find_dot_line(std::string_view input, std::size_t from, bool input_complete) {
  std::size_t start = from;
  while (start < input.size()) {
    const std::size_t newline = input.find('\n', start);
    if (newline == std::string_view::npos) {
      if (input_complete && is_dot_line(input.substr(start))) return {start, start};
      return {std::nullopt, start};
    }
    if (is_dot_line(input.substr(start, newline - start))) return {start, start};
    start = newline + 1;
  }
  return {std::nullopt, start};
}

// Reads in chunks and stops at the dot line, so that an interactive "sendmail bob" ended by
// typing "." returns without waiting for end of input, as sendmail does.
bool read_stdin_until_dot_line(std::string& out, LoadError& error) {
  out.clear();
  std::size_t resume = 0;
  for (;;) {
    const std::size_t old_size = out.size();
    out.resize(old_size + kReadChunk);
    const ssize_t got = ::read(STDIN_FILENO, out.data() + old_size, kReadChunk);
    out.resize(old_size + static_cast<std::size_t>(got > 0 ? got : 0));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error.error = make_error_code(Errc::input_unreadable);
      error.detail = std::string("cannot read stdin: ") + std::strerror(errno);
      return false;
    }
    const DotLineSearch search = find_dot_line(out, resume, got == 0);
    if (search.dot_line) {
      out.resize(*search.dot_line);
      return true;
    }
    if (got == 0) return true;
    resume = search.resume;
  }
}

}  // namespace smtpsend::message
