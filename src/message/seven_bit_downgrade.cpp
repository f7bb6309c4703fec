// The 7-bit form of an 8-bit message: RFC 6152 §3 conversion, modelled on Postfix's
// smtp_mime_downgrade. Each entity is split into header section and body (RFC 2045 §3);
// composite bodies are walked, leaves re-encoded quoted-printable. This whole-buffer form is
// the reference the streamed one (seven_bit_stream.cpp) is tested against.
#include "smtpsend/message/seven_bit_downgrade.hpp"

#include <vector>

#include "mime_entity.hpp"
#include "smtpsend/message/message.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

using detail::ContentType;
using detail::Delimiter;
using detail::Field;

constexpr std::string_view kCrlf = "\r\n";

struct Entity {
  std::string_view header;  // every field with its CRLF; not the empty line
  std::string_view body;
};

// RFC 2045 §3: the header section ends at the first empty line; an entity without one is all
// header (only its header can then hold 8-bit bytes).
Entity split_entity(std::string_view entity) {
  if (entity.starts_with(kCrlf)) return {{}, entity.substr(2)};
  const std::size_t end = entity.find("\r\n\r\n");
  if (end == std::string_view::npos) return {entity, {}};
  return {entity.substr(0, end + 2), entity.substr(end + 4)};
}

std::string_view trim_crlf(std::string_view line) {
  return line.ends_with(kCrlf) ? line.substr(0, line.size() - 2) : line;
}

bool is_encoded(const std::vector<Field>& fields) {
  const std::string encoding = detail::transfer_encoding_of(fields);
  return encoding == "base64" || encoding == "quoted-printable";
}

// RFC 2046 §5.1.1: a multipart body cut at its delimiter lines. Each segment is handed on with
// whether it is a body part (not the preamble or the epilogue) and the delimiter line after it
// (empty for the last). The CRLF before a delimiter belongs to the delimiter; keeping it with
// the segment before keeps every part ending in CRLF and the delimiter lines untouched.
template <typename OnSegment>
bool for_each_segment(std::string_view body, std::string_view dash_boundary, OnSegment on_segment) {
  std::size_t segment = 0;
  bool in_part = false;
  bool closed = false;
  for (std::size_t at = 0; at < body.size() && !closed;) {
    std::size_t end = body.find(kCrlf, at);
    end = end == std::string_view::npos ? body.size() : end + 2;
    const Delimiter kind =
        detail::delimiter_kind(trim_crlf(body.substr(at, end - at)), dash_boundary);
    if (kind != Delimiter::none) {
      if (!on_segment(body.substr(segment, at - segment), in_part, body.substr(at, end - at))) {
        return false;
      }
      segment = end;
      in_part = kind == Delimiter::part;
      closed = kind == Delimiter::close;
    }
    at = end;
  }
  return on_segment(body.substr(segment), in_part, std::string_view{});
}

// Whether a 7-bit entity still needs converting: a leaf body line over kMaxLineOctets that
// quoted-printable can carry, in it or in any part nested in it. Structures the conversion
// would refuse for 8-bit bytes are left as they are instead: a long line is no reason to refuse.
bool has_long_leaf_line(std::string_view text, std::size_t depth) {
  if (depth > kMaxMimeDepth || !has_overlong_line(text)) return false;
  const Entity e = split_entity(text);
  if (e.header.size() > kMaxHeaderSection) return false;
  const std::vector<Field> fields = detail::fields_of(e.header);
  const ContentType ct = detail::content_type_of(fields);
  if (ct.type == "multipart") {
    if (ct.boundary.empty()) return false;
    bool found = false;
    for_each_segment(e.body, "--" + ct.boundary,
                     [&](std::string_view segment, bool part, std::string_view) {
                       found = part && has_long_leaf_line(segment, depth + 1);
                       return !found;
                     });
    return found;
  }
  if (ct.type == "message") return ct.subtype == "rfc822" && has_long_leaf_line(e.body, depth + 1);
  return !is_encoded(fields) && has_overlong_line(e.body);
}

class Downgrader {
 public:
  std::string out;
  std::string error;
  bool encoded_long_lines = false;

  bool entity(std::string_view text, bool top, std::size_t depth) {
    if (!has_eight_bit(text) && !has_long_leaf_line(text, depth)) {
      out += text;
      return true;
    }
    if (depth > kMaxMimeDepth) return fail(detail::too_deep_error());
    const Entity e = split_entity(text);
    if (has_eight_bit(e.header)) return fail(detail::header_error());
    if (e.header.size() > kMaxHeaderSection) return fail(detail::header_too_long_error());
    const std::vector<Field> fields = detail::fields_of(e.header);
    const ContentType ct = detail::content_type_of(fields);
    if (ct.type == "multipart") return multipart(fields, ct, e.body, depth);
    if (ct.type == "message") return embedded_message(fields, ct, e.body, depth);
    return leaf(fields, ct, e.body, top);
  }

 private:
  bool fail(std::string sentence) {
    error = std::move(sentence);
    return false;
  }

  bool leaf(const std::vector<Field>& fields, const ContentType& ct, std::string_view body,
            bool top) {
    if (is_encoded(fields)) return fail(detail::encoded_leaf_error(detail::transfer_encoding_of(fields)));
    encoded_long_lines = encoded_long_lines || has_overlong_line(body);
    detail::write_leaf_header(fields, ct, top, is_valid_utf8(body), out);
    out += quoted_printable(body);
    return true;
  }

  // RFC 2046 §5.2.1: message/rfc822 bodies are messages themselves, never encoded; a non-MIME
  // one gets its MIME-Version and Content-Type like the top-level message.
  bool embedded_message(const std::vector<Field>& fields, const ContentType& ct,
                        std::string_view body, std::size_t depth) {
    if (ct.subtype != "rfc822") return fail(detail::message_type_error(ct.subtype));
    detail::write_composite_header(fields, out);
    return entity(body, true, depth + 1);
  }

  bool multipart(const std::vector<Field>& fields, const ContentType& ct, std::string_view body,
                 std::size_t depth) {
    if (ct.boundary.empty()) return fail(detail::no_boundary_error());
    detail::write_composite_header(fields, out);
    return for_each_segment(body, "--" + ct.boundary,
                            [&](std::string_view segment, bool part, std::string_view delimiter) {
                              if (!segment_out(segment, part, depth)) return false;
                              out += delimiter;
                              return true;
                            });
  }

  // A body part is an entity; the preamble and the epilogue are left as they are, so they
  // must be 7-bit already (RFC 2046 §5.1.1: they are to be ignored, not converted).
  bool segment_out(std::string_view text, bool part, std::size_t depth) {
    if (part) return entity(text, false, depth + 1);
    if (has_eight_bit(text)) return fail(detail::preamble_error());
    out += text;
    return true;
  }
};

}  // namespace

SevenBitForm seven_bit_downgrade(std::string_view canonical) {
  Downgrader downgrader;
  if (!downgrader.entity(canonical, true, 0)) return {{}, std::move(downgrader.error), false};
  return {std::move(downgrader.out), {}, downgrader.encoded_long_lines};
}

}  // namespace smtpsend::message
