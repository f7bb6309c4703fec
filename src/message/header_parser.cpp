// The incremental header section parser. State between feeds is the one physical line being
// read (bounded by kMaxHeaderLine) and the fields completed so far (bounded by
// kMaxHeaderSection), so a hostile header costs at most that much memory.
#include "smtpsend/message/header_parser.hpp"

#include <algorithm>

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

// "name:" or the obsolete "name WSP* :" of §4.5; empty when `line` does not open a field.
std::string_view field_name(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_ftext(line[i])) ++i;
  const std::size_t name_end = i;
  while (i < line.size() && is_wsp(line[i])) ++i;
  if (name_end == 0 || i == line.size() || line[i] != ':') return {};
  return line.substr(0, name_end);
}

// The line without its ending: LF, or CRLF.
std::string_view line_text(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  return line;
}

// Printable, bounded excerpt of a rejected line for the one-sentence error.
std::string excerpt(std::string_view text) {
  constexpr std::size_t kMaxExcerpt = 40;
  std::string out;
  for (char c : text.substr(0, kMaxExcerpt)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  if (text.size() > kMaxExcerpt) out += "...";
  return out;
}

}  // namespace

bool same_field_name(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [&](char x, char y) { return lower(x) == lower(y); });
}

std::string HeaderField::unfolded_body() const {
  const std::size_t colon = raw.find(':');
  std::string body;
  if (colon == std::string::npos) return body;
  body.reserve(raw.size() - colon);
  for (std::size_t i = colon + 1; i < raw.size(); ++i) {
    if (raw[i] != '\r' && raw[i] != '\n') body += raw[i];
  }
  return body;
}

HeaderParseStatus HeaderParser::feed(std::string_view bytes) {
  std::size_t pos = 0;
  while (status_ == HeaderParseStatus::need_more && pos < bytes.size()) {
    const std::size_t lf = bytes.find('\n', pos);
    const std::size_t end = lf == std::string_view::npos ? bytes.size() : lf + 1;
    // Never hold more than one octet beyond the longest line: enough to know it is too long.
    const std::size_t room = kMaxHeaderLine + 3 - std::min(line_.size(), kMaxHeaderLine + 3);
    const std::size_t take = std::min(end - pos, room);
    line_.append(bytes.substr(pos, take));
    seen_ += take;
    pos += take;
    if (seen_ > kMaxHeaderSection + kMaxHeaderLine + 2) {
      return fail("the header section does not end within " + std::to_string(kMaxHeaderSection) +
                  " octets");
    }
    if (line_.ends_with('\n')) {
      on_line();
    } else if (line_.size() > kMaxHeaderLine + 1) {
      // 999 octets and no line ending yet: too long, unless it is the first line of all-body
      // input (which need not be a header field at all).
      if (fields_.empty() && field_name(line_).empty()) {
        has_header_section_ = false;
        end_section(0, 0);
      } else {
        ++line_number_;
        on_line();
      }
    }
  }
  return status_;
}

HeaderParseStatus HeaderParser::finish() {
  if (status_ != HeaderParseStatus::need_more) return status_;
  if (!line_.empty() && on_line() != HeaderParseStatus::need_more) return status_;
  end_section(seen_, seen_);
  return status_;
}

HeaderParseStatus HeaderParser::on_line() {
  const std::string_view text = line_text(line_);
  const bool complete = line_.ends_with('\n') || line_.size() <= kMaxHeaderLine + 1;
  if (complete) ++line_number_;
  if (line_offset_ > kMaxHeaderSection) {
    return fail("the header section does not end within " + std::to_string(kMaxHeaderSection) +
                " octets");
  }
  if (text.empty() && complete) {
    end_section(line_offset_, seen_);
    return status_;
  }
  const std::string_view name = is_wsp(text.front()) ? std::string_view{} : field_name(text);
  if (fields_.empty() && name.empty()) {
    // Input that does not open with a header field is all body (docs/decisions.md).
    has_header_section_ = false;
    end_section(0, 0);
    return status_;
  }
  if (text.size() > kMaxHeaderLine || !complete) {
    const std::string_view owner = name.empty() ? std::string_view(fields_.back().name) : name;
    return fail("header line " + std::to_string(line_number_) + " (" + excerpt(owner) +
                ") is longer than " + std::to_string(kMaxHeaderLine) + " octets (RFC 5322 §2.1.1)");
  }
  if (!name.empty()) {
    fields_.push_back({std::string(name), line_, line_offset_});
  } else if (is_wsp(text.front())) {
    fields_.back().raw += line_;  // §2.2.3: a continuation line belongs to the field above
  } else {
    return fail("header line " + std::to_string(line_number_) +
                " is neither a header field nor a continuation line: '" + excerpt(text) + "'");
  }
  line_.clear();
  line_offset_ = seen_;
  return status_;
}

void HeaderParser::end_section(std::size_t header_end, std::size_t body_offset) {
  header_end_ = header_end;
  body_offset_ = body_offset;
  line_.clear();
  status_ = HeaderParseStatus::done;
}

HeaderParseStatus HeaderParser::fail(std::string sentence) {
  error_ = std::move(sentence);
  line_.clear();
  status_ = HeaderParseStatus::error;
  return status_;
}

}  // namespace smtpsend::message
