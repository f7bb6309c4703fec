// The 7-bit form of an 8-bit message: RFC 6152 §3 conversion, modelled on Postfix's
// smtp_mime_downgrade. Each entity is split into header section and body (RFC 2045 §3);
// composite bodies are walked, leaves re-encoded quoted-printable.
#include "smtpsend/message/seven_bit_downgrade.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

constexpr std::string_view kCrlf = "\r\n";

struct Field {
  std::string_view name;
  std::string_view text;  // the whole field, continuation lines and CRLFs included
};

struct Entity {
  std::string_view header;  // every field with its CRLF; not the empty line
  std::string_view body;
};

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

// RFC 2045 §3: the header section ends at the first empty line; an entity without one is all
// header (only its header can then hold 8-bit bytes).
Entity split_entity(std::string_view entity) {
  if (entity.starts_with(kCrlf)) return {{}, entity.substr(2)};
  const std::size_t end = entity.find("\r\n\r\n");
  if (end == std::string_view::npos) return {entity, {}};
  return {entity.substr(0, end + 2), entity.substr(end + 4)};
}

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

struct ContentType {
  bool present = false;
  std::string type;     // lower case; "text" when absent (RFC 2045 §5.2)
  std::string subtype;  // lower case
  std::string boundary;
};

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

// RFC 2046 §5.1.1: "--boundary" then optional white space; "--boundary--" closes.
enum class Delimiter { none, part, close };
Delimiter delimiter_kind(std::string_view line, std::string_view dash_boundary) {
  if (!line.starts_with(dash_boundary)) return Delimiter::none;
  std::string_view rest = line.substr(dash_boundary.size());
  const bool close = rest.starts_with("--");
  if (close) rest.remove_prefix(2);
  if (!trim(rest).empty()) return Delimiter::none;
  return close ? Delimiter::close : Delimiter::part;
}

class Downgrader {
 public:
  std::string out;
  std::string error;

  bool entity(std::string_view text, bool top, std::size_t depth) {
    if (!has_eight_bit(text)) {
      out += text;
      return true;
    }
    if (depth > kMaxMimeDepth) {
      return fail("the message nests MIME parts more than " + std::to_string(kMaxMimeDepth) +
                  " deep");
    }
    const Entity e = split_entity(text);
    if (has_eight_bit(e.header)) {
      return fail("the message has 8-bit bytes in a header, which need SMTPUTF8");
    }
    const std::vector<Field> fields = fields_of(e.header);
    const ContentType ct = content_type_of(fields);
    if (ct.type == "multipart") return multipart(fields, ct, e.body, depth);
    if (ct.type == "message") return embedded_message(fields, ct, e.body, depth);
    return leaf(fields, ct, e.body, top);
  }

 private:
  bool fail(std::string sentence) {
    error = "5.6.3 " + sentence + " and cannot be converted to 7 bits";
    return false;
  }

  // The fields but Content-Transfer-Encoding, then the given one (when not empty).
  void header_with_encoding(const std::vector<Field>& fields, std::string_view encoding) {
    for (const Field& field : fields) {
      if (!named(field, "content-transfer-encoding")) out += field.text;
    }
    if (!encoding.empty()) {
      out += "Content-Transfer-Encoding: ";
      out += encoding;
      out += kCrlf;
    }
  }

  // RFC 2045 §6.4: a composite type is 7bit, 8bit or binary; once every part is 7-bit, a
  // declared 8bit/binary becomes 7bit.
  void composite_header(const std::vector<Field>& fields) {
    const bool declared = find_field(fields, "content-transfer-encoding") != nullptr;
    header_with_encoding(fields, declared ? "7bit" : "");
    out += kCrlf;
  }

  bool leaf(const std::vector<Field>& fields, const ContentType& ct, std::string_view body,
            bool top) {
    const std::string encoding = transfer_encoding_of(fields);
    if (encoding == "base64" || encoding == "quoted-printable") {
      return fail("a MIME part declared " + encoding + " has 8-bit bytes");
    }
    header_with_encoding(fields, "");
    // RFC 2045 §4, §5.2: a message with MIME fields says so, and a text says its charset.
    if (top && find_field(fields, "mime-version") == nullptr) out += "MIME-Version: 1.0\r\n";
    if (top && !ct.present) {
      out += is_valid_utf8(body) ? "Content-Type: text/plain; charset=utf-8\r\n"
                                 : "Content-Type: text/plain; charset=unknown-8bit\r\n";
    }
    out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    out += quoted_printable(body);
    return true;
  }

  // RFC 2046 §5.2.1: message/rfc822 bodies are messages themselves, never encoded; a non-MIME
  // one gets its MIME-Version and Content-Type like the top-level message.
  bool embedded_message(const std::vector<Field>& fields, const ContentType& ct,
                        std::string_view body, std::size_t depth) {
    if (ct.subtype != "rfc822") return fail("a message/" + ct.subtype + " part has 8-bit bytes");
    composite_header(fields);
    return entity(body, true, depth + 1);
  }

  // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter; keeping it with the
  // part before keeps every part ending in CRLF and the delimiter lines untouched.
  bool multipart(const std::vector<Field>& fields, const ContentType& ct, std::string_view body,
                 std::size_t depth) {
    if (ct.boundary.empty()) return fail("a multipart part without a boundary has 8-bit bytes");
    composite_header(fields);
    const std::string dash_boundary = "--" + ct.boundary;
    std::size_t segment = 0;
    bool in_part = false;
    bool closed = false;
    for (std::size_t at = 0; at < body.size() && !closed;) {
      std::size_t end = body.find(kCrlf, at);
      end = end == std::string_view::npos ? body.size() : end + 2;
      const Delimiter kind = delimiter_kind(trim_crlf(body.substr(at, end - at)), dash_boundary);
      if (kind != Delimiter::none) {
        if (!segment_out(body.substr(segment, at - segment), in_part, depth)) return false;
        out += body.substr(at, end - at);
        segment = end;
        in_part = kind == Delimiter::part;
        closed = kind == Delimiter::close;
      }
      at = end;
    }
    return segment_out(body.substr(segment), in_part, depth);
  }

  static std::string_view trim_crlf(std::string_view line) {
    return line.ends_with(kCrlf) ? line.substr(0, line.size() - 2) : line;
  }

  // A body part is an entity; the preamble and the epilogue are left as they are, so they
  // must be 7-bit already (RFC 2046 §5.1.1: they are to be ignored, not converted).
  bool segment_out(std::string_view text, bool part, std::size_t depth) {
    if (part) return entity(text, false, depth + 1);
    if (has_eight_bit(text)) return fail("a multipart preamble or epilogue has 8-bit bytes");
    out += text;
    return true;
  }
};

}  // namespace

SevenBitForm seven_bit_downgrade(std::string_view canonical) {
  Downgrader downgrader;
  if (!downgrader.entity(canonical, true, 0)) return {{}, std::move(downgrader.error)};
  return {std::move(downgrader.out), {}};
}

}  // namespace smtpsend::message
