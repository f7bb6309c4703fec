// message/seven_bit_downgrade: the 7-bit form of an 8-bit message, for a server without
// 8BITMIME (RFC 6152 §3: "convert the message to 7 bits", as Postfix's smtp_mime_downgrade).
//
// Owns: re-encoding every 8-bit leaf body quoted-printable (RFC 2045 §6.7) and saying so in its
// Content-Transfer-Encoding; walking multipart bodies by their boundary (RFC 2046 §5.1.1) and
// message/rfc822 bodies as messages, recursively. Pure: no I/O, errors are values.
// Cannot convert (-> `error`, a sentence starting with the RFC 3463 code "5.6.3"): an 8-bit
// byte in a header section (RFC 6532 headers need SMTPUTF8, not a downgrade), an 8-bit body
// already declared base64 or quoted-printable, a multipart without a boundary, 8-bit text in a
// multipart preamble or epilogue, other message/* types, nesting deeper than kMaxMimeDepth.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtpsend::message {

inline constexpr std::size_t kMaxMimeDepth = 32;

struct SevenBitForm {
  std::string content;  // the 7-bit message, canonical CRLF; empty when `error` is set
  std::string error;    // empty on success; else one sentence starting "5.6.3 "
  // A leaf body with a line over kMaxLineOctets (RFC 5321 §4.5.3.1.6) was re-encoded: this form
  // is then what every server gets, 8BITMIME or not (issue 10).
  bool encoded_long_lines = false;
};

// `canonical`: a whole message, canonical CRLF. Converted: every entity with 8-bit bytes, and
// every leaf whose body has a line over 998 octets and is not declared base64 or
// quoted-printable (such a line elsewhere stays as it is: a preamble is not to be changed, an
// encoded body not encoded twice). A message with neither comes back as it is. A converted top-level leaf gets "MIME-Version: 1.0" when missing and, without a
// Content-Type, "Content-Type: text/plain; charset=utf-8" (charset=unknown-8bit, RFC 1428, when
// the body is not valid UTF-8).
SevenBitForm seven_bit_downgrade(std::string_view canonical);

}  // namespace smtpsend::message
