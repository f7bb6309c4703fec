#include "smtpsend/message/dkim/canonical.hpp"

#include <algorithm>

namespace smtpsend::message::dkim {
namespace {

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string relaxed_header(std::string_view field) {
  if (field.ends_with("\r\n")) field.remove_suffix(2);
  const std::size_t colon = field.find(':');
  const std::string_view name = field.substr(0, colon);
  const std::string_view value =
      colon == std::string_view::npos ? std::string_view() : field.substr(colon + 1);
  std::string out;
  out.reserve(field.size() + 3);
  // A well-formed name has no CR, LF or WSP; a malformed one loses its line breaks too, so the
  // result is always one line.
  for (const char c : name) {
    if (c != '\r' && c != '\n') out += lower(c);
  }
  while (!out.empty() && is_wsp(out.back())) out.pop_back();
  out += ':';
  // Unfolding (removing CRLF) and collapsing WSP are one pass: a CRLF is dropped, and the WSP
  // that follows it in a folded field joins the run before it.
  const std::size_t value_start = out.size();
  bool space = false;
  for (const char c : value) {
    if (c == '\r' || c == '\n') continue;
    if (is_wsp(c)) {
      space = true;
      continue;
    }
    // No SP after the colon (§3.4.2: WSP around the colon is deleted), nor at the end.
    if (space && out.size() > value_start) out += ' ';
    space = false;
    out += c;
  }
  out += "\r\n";
  return out;
}

void RelaxedBody::ordinary(std::string_view run, std::string& out) {
  for (; held_line_ends_ > 0; --held_line_ends_) out += "\r\n";
  if (pending_space_) out += ' ';
  pending_space_ = false;
  out += run;
  line_has_text_ = true;
  wrote_text_ = true;
}

void RelaxedBody::end_line() {
  pending_space_ = false;  // WSP at the end of a line is ignored
  line_has_text_ = false;
  ++held_line_ends_;
}

void RelaxedBody::feed(std::string_view in, std::string& out) {
  std::size_t at = 0;
  while (at < in.size()) {
    const char c = in[at];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {
        end_line();
        ++at;
        continue;
      }
      ordinary("\r", out);
    }
    if (c == '\r') {
      pending_cr_ = true;
      ++at;
    } else if (is_wsp(c)) {
      pending_space_ = true;
      ++at;
    } else {
      // A run of ordinary characters goes out in one piece (most of a body).
      const std::size_t end = std::min(in.find_first_of(" \t\r", at), in.size());
      ordinary(in.substr(at, end - at), out);
      at = end;
    }
  }
}

void RelaxedBody::finish(std::string& out) {
  if (pending_cr_) ordinary("\r", out);
  pending_cr_ = false;
  // The last line with text keeps (or gets) its CRLF; the empty lines after it are dropped.
  if (line_has_text_ || (wrote_text_ && held_line_ends_ > 0)) out += "\r\n";
  held_line_ends_ = 0;
  pending_space_ = false;
  line_has_text_ = false;
}

}  // namespace smtpsend::message::dkim
