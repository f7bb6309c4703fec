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
};

// `canonical`: a whole message, canonical CRLF. A message without bytes >= 0x80 comes back as
// it is. A converted top-level leaf gets "MIME-Version: 1.0" when missing and, without a
// Content-Type, "Content-Type: text/plain; charset=utf-8" (charset=unknown-8bit, RFC 1428, when
// the body is not valid UTF-8).
SevenBitForm seven_bit_downgrade(std::string_view canonical);

}  // namespace smtpsend::message
