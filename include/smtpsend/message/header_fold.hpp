// message/header_fold: header fields smtpsend writes itself, within RFC 5322 §2.1.1's limits.
//
// Owns: folding a field at the white space of its body (§2.2.3), so its lines stay within
// kFoldWidth octets wherever a break exists and never pass kMaxHeaderLine (998); the Subject:
// and From: fields the composer and -F write, which always fit, an unfoldable word becoming
// RFC 2047 encoded-words. Must not: decide what a -H field means (extra_header.hpp) or parse a
// header section (header_parser.hpp). Errors: fold_field() gives std::nullopt when a line
// would pass 998 octets; the caller words the error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smtpsend::message {

// RFC 5322 §2.1.1 asks for lines of at most 78 characters; a line holding an encoded-word must
// stay within 76 (RFC 2047 §2), so every folded field keeps to the stricter of the two.
inline constexpr std::size_t kFoldWidth = 76;

// "Name: value\r\n", with a CRLF inserted before white space of `value` wherever the line
// would pass kFoldWidth, so unfolding gives `value` back exactly (§2.2.3). Continuation lines
// always hold more than white space. std::nullopt when some line cannot be kept within 998
// octets: a word (a run without white space) too long, or the name itself. An empty `value`
// gives "Name:\r\n".
std::optional<std::string> fold_field(std::string_view name, std::string_view value);

// The longest run of `value` without white space: what fold_field cannot break.
std::size_t longest_word(std::string_view value);

// An unstructured field of human-readable text (Subject:, RFC 5322 §3.6.5): header_text(),
// folded; when a printable ASCII word is too long to fold, the whole text as encoded-words
// instead (RFC 2047 §5(1)), which always fold. `name` is a short field name of smtpsend's own.
std::string text_field(std::string_view name, std::string_view text);

// "Name: display-name <address>" (mailbox_text()), folded; a display name holding a word too
// long to fold goes as encoded-words. `address` is an addr-spec of at most 254 octets
// (RFC 5321 §4.5.3.1.3; parse_envelope_address() checks it), so the field always fits.
std::string mailbox_field(std::string_view name, std::string_view display_name,
                          std::string_view address);

}  // namespace smtpsend::message
