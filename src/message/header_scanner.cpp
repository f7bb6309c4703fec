// The header section scan (RFC 5322 §2.2, §3.6): where it ends, whether it is well formed
// enough to send, and the few field values smtpsend acts on.
//
// The scan is line by line with all state in HeaderSectionScanner, so it could be fed lines as
// they arrive. Every line is bounded by kMaxHeaderLine and the whole section by
// kMaxHeaderSection before anything is copied, so hostile input costs at most that much.
#include <algorithm>
#include <cstring>
#include <string>

#include "mailbox_list.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// RFC 5322 §3.6.8 ftext: printable US-ASCII except ":".
bool is_ftext(char c) {
  return c >= 33 && c <= 126 && c != ':';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && (is_wsp(s.front()) || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// A field line is "name:" or, in the obsolete syntax of §4.5 that real mailers still emit,
// "name WSP* :". Returns the name and sets `colon` to the index of the colon.
std::string_view field_name(std::string_view line, std::size_t& colon) {
  std::size_t i = 0;
  while (i < line.size() && is_ftext(line[i])) ++i;
  const std::size_t name_end = i;
  while (i < line.size() && is_wsp(line[i])) ++i;
  if (name_end == 0 || i == line.size() || line[i] != ':') return {};
  colon = i;
  return line.substr(0, name_end);
}

bool starts_header_field(std::string_view line) {
  std::size_t colon = 0;
  return !field_name(line, colon).empty();
}

// Printable, bounded excerpt of a rejected line for the one-sentence error.
std::string excerpt(std::string_view line) {
  constexpr std::size_t kMaxExcerpt = 40;
  std::string out;
  for (char c : line.substr(0, kMaxExcerpt)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (line.size() > kMaxExcerpt) out += "...";
  return out;
}

enum class Field { other, date, message_id, from, sender };

Field classify(std::string_view name) {
  if (iequals(name, "Date")) return Field::date;
  if (iequals(name, "Message-ID")) return Field::message_id;
  if (iequals(name, "From")) return Field::from;
  if (iequals(name, "Sender")) return Field::sender;
  return Field::other;
}

// The msg-id itself (§3.6.4) when the body holds one, without surrounding comments.
std::string message_id_of(std::string_view body) {
  body = trim_wsp(body);
  const auto open = body.find('<');
  const auto close = body.find('>', open == std::string_view::npos ? 0 : open);
  if (open != std::string_view::npos && close != std::string_view::npos) {
    return std::string(body.substr(open, close - open + 1));
  }
  return std::string(body);
}

class HeaderSectionScanner {
 public:
  HeaderSectionScanner(HeaderFacts& facts, LoadError& error) : facts_(facts), error_(error) {}

  // One physical line without its CRLF. Returns false when the section is malformed.
  bool on_line(std::string_view line) {
    ++line_number_;
    if (!line.empty() && is_wsp(line.front())) return on_continuation(line);
    finish_field();
    std::size_t colon = 0;
    const std::string_view name = field_name(line, colon);
    if (name.empty()) return not_a_field(line);
    if (line.size() > kMaxHeaderLine) return too_long(name);
    current_name_ = name;
    current_ = classify(name);
    body_.clear();
    if (current_ != Field::other) body_.assign(line.substr(colon + 1));
    return true;
  }

  // The empty line, or the end of the content, ends the section.
  void on_end() { finish_field(); }

 private:
  // §2.2.3: unfolding removes only the CRLF; the leading WSP stays part of the body.
  bool on_continuation(std::string_view line) {
    // scan_headers() never lets a continuation start the section (that input is all body).
    if (line.size() > kMaxHeaderLine) return too_long(current_name_);
    if (current_ != Field::other) body_.append(line);
    return true;
  }

  void finish_field() {
    switch (current_) {
      case Field::date:
        facts_.has_date = true;
        break;
      case Field::message_id:
        if (!facts_.has_message_id) facts_.message_id = message_id_of(body_);
        facts_.has_message_id = true;
        break;
      case Field::from:
        // §3.6.2: a From: holding several mailboxes needs Sender:; MAIL FROM takes the first.
        if (!saw_from_) facts_.from_address = detail::first_mailbox_address(body_);
        saw_from_ = true;
        break;
      case Field::sender:
        if (!saw_sender_) facts_.sender_address = detail::first_mailbox_address(body_);
        saw_sender_ = true;
        break;
      case Field::other:
        break;
    }
    current_ = Field::other;
    body_.clear();
  }

  bool not_a_field(std::string_view line) {
    return fail("header line " + std::to_string(line_number_) +
                " is neither a header field nor a continuation line: '" + excerpt(line) + "'");
  }

  bool too_long(std::string_view name) {
    std::string what = "header line " + std::to_string(line_number_);
    if (!name.empty()) what += " (" + excerpt(name) + ")";
    return fail(what + " is longer than " + std::to_string(kMaxHeaderLine) +
                " octets (RFC 5322 §2.1.1)");
  }

  bool fail(std::string detail) {
    error_.error = make_error_code(Errc::message_malformed);
    error_.detail = std::move(detail);
    return false;
  }

  HeaderFacts& facts_;
  LoadError& error_;
  std::size_t line_number_ = 0;
  Field current_ = Field::other;
  std::string current_name_;
  std::string body_;  // unfolded body of the current field, kept only for fields we read
  bool saw_from_ = false;
  bool saw_sender_ = false;
};

// The physical line starting at `pos`, without its line ending, and where the next one starts.
// Looks no further than one octet past the longest allowed line: enough to know it is too long.
std::string_view line_at(std::string_view content, std::size_t pos, std::size_t& next) {
  const std::size_t window = std::min(content.size() - pos, kMaxHeaderLine + 2);
  const auto* lf = static_cast<const char*>(std::memchr(content.data() + pos, '\n', window));
  if (lf == nullptr) {
    // The last line of non-canonical input, or a line too long for on_line to accept.
    next = content.size();
    return content.substr(pos, window);
  }
  next = static_cast<std::size_t>(lf - content.data()) + 1;
  std::string_view line = content.substr(pos, next - 1 - pos);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

bool malformed(std::string detail, HeaderFacts& facts, LoadError& error) {
  facts.header_end = 0;
  error.error = make_error_code(Errc::message_malformed);
  error.detail = std::move(detail);
  return false;
}

}  // namespace

bool scan_headers(std::string_view canonical, HeaderFacts& facts, LoadError& error) {
  facts = HeaderFacts{};
  if (canonical.empty()) return malformed("the message is empty", facts, error);
  HeaderSectionScanner scanner(facts, error);
  std::size_t pos = 0;
  while (pos < canonical.size()) {
    if (pos > kMaxHeaderSection) {
      return malformed(
          "the header section does not end within " + std::to_string(kMaxHeaderSection) + " octets",
          facts, error);
    }
    std::size_t next = 0;
    const std::string_view line = line_at(canonical, pos, next);
    if (line.empty()) break;
    // Input that does not open with a header field is all body, as Postfix's sendmail and
    // msmtp treat `echo text | sendmail user`; RFC 5322 §3.5 allows an empty header section.
    if (pos == 0 && !starts_header_field(line)) {
      facts.has_header_section = false;
      facts.header_end = 0;
      return true;
    }
    if (!scanner.on_line(line)) {
      facts.header_end = 0;
      return false;
    }
    pos = next;
  }
  scanner.on_end();
  facts.header_end = pos;  // the empty line, or the end of headers-only content
  return true;
}

}  // namespace smtpsend::message
