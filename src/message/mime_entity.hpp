// Internal to message/: the parts of a MIME entity the 7-bit downgrade reads and rewrites
// (RFC 2045 §3, §5, §6; RFC 2046 §5.1.1), shared by the whole-buffer downgrade
// (seven_bit_downgrade.cpp) and the streamed one (seven_bit_stream.cpp), so both make the
// same bytes and say the same sentences.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::message::detail {

// RFC 5322 §2.1.1: a line longer than 998 octets is not a line a conforming message has; a
// delimiter line (RFC 2046 §5.1.1 caps the boundary at 70 characters) is never that long, so
// the streamed downgrade needs to hold only this much of a line to recognise one.
inline constexpr std::size_t kMaxDelimiterLine = 998;

struct Field {
  std::string_view name;
  std::string_view text;  // the whole field, continuation lines and CRLFs included
};

struct ContentType {
  bool present = false;
  std::string type;     // lower case; "text" when absent (RFC 2045 §5.2)
  std::string subtype;  // lower case
  std::string boundary;
};

// `header`: every field with its CRLF, not the empty line ending the section.
std::vector<Field> fields_of(std::string_view header);
bool has_field(const std::vector<Field>& fields, std::string_view lower_name);
ContentType content_type_of(const std::vector<Field>& fields);
std::string transfer_encoding_of(const std::vector<Field>& fields);  // lower case; "" if none

// RFC 2046 §5.1.1: "--boundary" then optional white space; "--boundary--" closes. `line`
// is without its CRLF.
enum class Delimiter { none, part, close };
Delimiter delimiter_kind(std::string_view line, std::string_view dash_boundary);

// The header section of a converted multipart or message/rfc822 entity, with the empty line.
void write_composite_header(const std::vector<Field>& fields, std::string& out);
// The header section of a leaf re-encoded quoted-printable, with the empty line. `top`: the
// message itself or one embedded as message/rfc822; `body_utf8`: its body is valid UTF-8.
void write_leaf_header(const std::vector<Field>& fields, const ContentType& ct, bool top,
                       bool body_utf8, std::string& out);

// Why an entity with 8-bit bytes cannot be converted: "5.6.3 ..." sentences.
std::string too_deep_error();
std::string header_error();
std::string header_too_long_error();
std::string no_boundary_error();
std::string message_type_error(std::string_view subtype);
std::string encoded_leaf_error(std::string_view encoding);
std::string preamble_error();

}  // namespace smtpsend::message::detail
