#include "smtpsend/message/dot_stuffer.hpp"

#include <cstring>

namespace smtpsend::message {
namespace {

// Position of the first CR or LF in [p, end), or end. Two memchr passes bounded by the nearer
// hit keep this at memchr speed on ordinary text (issue 5's >= 1 GB/s target).
const char* find_line_break(const char* p, const char* end) {
  const auto* lf =
      static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
  const char* limit = lf ? lf : end;
  const auto* cr =
      static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(limit - p)));
  return cr ? cr : limit;
}

}  // namespace

void DotStuffer::feed(std::string_view in, std::string& out) {
  const char* p = in.data();
  const char* const end = p + in.size();
  if (p == end) return;
  // The CR ending the previous chunk was already written as CRLF; its LF is not a new line.
  if (pending_cr_) {
    pending_cr_ = false;
    if (*p == '\n') ++p;
  }
  while (p < end) {
    // RFC 5321 §4.5.2: a line starting with "." gets one more.
    if (at_line_start_ && *p == '.') out += '.';
    const char* brk = find_line_break(p, end);
    out.append(p, static_cast<std::size_t>(brk - p));
    if (brk == end) {
      at_line_start_ = false;
      return;
    }
    // RFC 5321 §2.3.8: only CRLF ends a line on the wire; bare CR and bare LF are normalised
    // so that "\n.\n" or "\r\n.\r" smuggling payloads become ordinary, stuffed lines.
    out += "\r\n";
    at_line_start_ = true;
    p = brk + 1;
    if (*brk == '\r') {
      if (p == end) {
        pending_cr_ = true;
      } else if (*p == '\n') {
        ++p;
      }
    }
  }
}

void DotStuffer::finish(std::string& out) {
  if (!at_line_start_) out += "\r\n";
  out += ".\r\n";
  at_line_start_ = true;
  pending_cr_ = false;
}

}  // namespace smtpsend::message
