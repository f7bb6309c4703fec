// The header fields, Content-Type and delimiters of MIME entities, and the header sections the
// 7-bit downgrade writes for them (RFC 2045, RFC 2046 §5.1.1, RFC 6152 §3).
#include "mime_entity.hpp"

#include <algorithm>
#include <cctype>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"

namespace smtpsend::message::detail {
namespace {

constexpr std::string_view kCrlf = "\r\n";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool named(const Field& field, std::string_view name) {
  return lower(field.name) == name;
}

// The field body, unfolded (RFC 5322 §2.2.3).
std::string value_of(const Field& field) {
  std::string value;
  const std::size_t colon = field.text.find(':');
  if (colon == std::string_view::npos) return value;
  for (char c : field.text.substr(colon + 1)) {
    if (c != '\r' && c != '\n') value += c;
  }
  return std::string(trim(value));
}

const Field* find_field(const std::vector<Field>& fields, std::string_view name) {
  const auto it =
      std::find_if(fields.begin(), fields.end(), [name](const Field& f) { return named(f, name); });
  return it == fields.end() ? nullptr : &*it;
}

// One parameter value: a quoted-string (backslash escapes) or a token (RFC 2045 §5.1).
std::string parameter_value(std::string_view& rest) {
  std::string value;
  if (rest.starts_with('"')) {
    std::size_t i = 1;
    for (; i < rest.size() && rest[i] != '"'; ++i) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
      value += rest[i];
    }
    rest.remove_prefix(std::min(rest.size(), i + 1));
    return value;
  }
  const std::size_t end = std::min(rest.find(';'), rest.size());
  value = std::string(trim(rest.substr(0, end)));
  rest.remove_prefix(end);
  return value;
}

// The fields but Content-Transfer-Encoding, then the given one (when not empty).
void header_with_encoding(const std::vector<Field>& fields, std::string_view encoding,
                          std::string& out) {
  for (const Field& field : fields) {
    if (!named(field, "content-transfer-encoding")) out += field.text;
  }
  if (!encoding.empty()) {
    out += "Content-Transfer-Encoding: ";
    out += encoding;
    out += kCrlf;
  }
}

std::string cannot(std::string sentence) {
  return "5.6.3 " + sentence + " and cannot be converted to 7 bits";
}

}  // namespace

// RFC 5322 §2.2: a line starting with white space continues the field before it.
std::vector<Field> fields_of(std::string_view header) {
  std::vector<Field> fields;
  std::size_t start = 0;
  for (std::size_t at = 0; at < header.size();) {
    std::size_t end = header.find(kCrlf, at);
    end = end == std::string_view::npos ? header.size() : end + 2;
    const bool continuation = (header[at] == ' ' || header[at] == '\t') && !fields.empty();
    if (continuation) {
      fields.back().text = header.substr(start, end - start);
    } else {
      start = at;
      const std::string_view line = header.substr(at, end - at);
      fields.push_back({trim(line.substr(0, line.find(':'))), line});
    }
    at = end;
  }
  return fields;
}

bool has_field(const std::vector<Field>& fields, std::string_view lower_name) {
  return find_field(fields, lower_name) != nullptr;
}

ContentType content_type_of(const std::vector<Field>& fields) {
  ContentType ct{false, "text", "plain", {}};
  const Field* field = find_field(fields, "content-type");
  if (field == nullptr) return ct;
  const std::string value = value_of(*field);
  std::string_view rest = value;
  const std::size_t slash = rest.find('/');
  const std::size_t semi = std::min(rest.find(';'), rest.size());
  if (slash == std::string_view::npos || slash > semi) return ct;
  ct = {true,
        lower(trim(rest.substr(0, slash))),
        lower(trim(rest.substr(slash + 1, semi - slash - 1))),
        {}};
  rest.remove_prefix(semi);
  while (rest.starts_with(';')) {
    rest = trim(rest.substr(1));
    const std::size_t eq = std::min(rest.find('='), rest.size());
    const std::string name = lower(trim(rest.substr(0, eq)));
    rest.remove_prefix(std::min(rest.size(), eq + 1));
    rest = trim(rest);
    std::string v = parameter_value(rest);
    if (name == "boundary") ct.boundary = std::move(v);
    rest = trim(rest.substr(std::min(rest.size(), rest.find(';'))));
  }
  return ct;
}

std::string transfer_encoding_of(const std::vector<Field>& fields) {
  const Field* field = find_field(fields, "content-transfer-encoding");
  return field == nullptr ? std::string() : lower(value_of(*field));
}

Delimiter delimiter_kind(std::string_view line, std::string_view dash_boundary) {
  if (line.size() > kMaxDelimiterLine || !line.starts_with(dash_boundary)) return Delimiter::none;
  std::string_view rest = line.substr(dash_boundary.size());
  const bool close = rest.starts_with("--");
  if (close) rest.remove_prefix(2);
  if (!trim(rest).empty()) return Delimiter::none;
  return close ? Delimiter::close : Delimiter::part;
}

// RFC 2045 §6.4: a composite type is 7bit, 8bit or binary; once every part is 7-bit, a
// declared 8bit/binary becomes 7bit.
void write_composite_header(const std::vector<Field>& fields, std::string& out) {
  header_with_encoding(fields, has_field(fields, "content-transfer-encoding") ? "7bit" : "", out);
  out += kCrlf;
}

// RFC 2045 §4, §5.2: a message with MIME fields says so, and a text says its charset.
void write_leaf_header(const std::vector<Field>& fields, const ContentType& ct, bool top,
                       bool body_utf8, std::string& out) {
  header_with_encoding(fields, "", out);
  if (top && !has_field(fields, "mime-version")) out += "MIME-Version: 1.0\r\n";
  if (top && !ct.present) {
    out += body_utf8 ? "Content-Type: text/plain; charset=utf-8\r\n"
                     : "Content-Type: text/plain; charset=unknown-8bit\r\n";
  }
  out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
}

std::string too_deep_error() {
  return cannot("the message nests MIME parts more than " + std::to_string(kMaxMimeDepth) +
                " deep");
}
std::string header_error() {
  return cannot("the message has 8-bit bytes in a header, which need SMTPUTF8");
}
std::string header_too_long_error() {
  return cannot("a MIME part with 8-bit bytes has a header section over " +
                std::to_string(kMaxHeaderSection) + " bytes");
}
std::string no_boundary_error() {
  return cannot("a multipart part without a boundary has 8-bit bytes");
}
std::string message_type_error(std::string_view subtype) {
  return cannot("a message/" + std::string(subtype) + " part has 8-bit bytes");
}
std::string encoded_leaf_error(std::string_view encoding) {
  return cannot("a MIME part declared " + std::string(encoding) + " has 8-bit bytes");
}
std::string preamble_error() {
  return cannot("a multipart preamble or epilogue has 8-bit bytes");
}

}  // namespace smtpsend::message::detail
