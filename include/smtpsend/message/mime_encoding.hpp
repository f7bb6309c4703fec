// message/mime_encoding: the encodings a composed message needs (RFC 2045, RFC 2047, RFC 2231).
//
// Owns: base64 (OpenSSL EVP, 76-character lines), quoted-printable, when a text needs one of
// them, encoded-words for non-ASCII header text, MIME parameters with RFC 2231 values, and the
// text of a mailbox with a display name. Header text is returned unfolded; header_fold.hpp
// folds it into lines. Pure functions: no I/O, no errors (every input has an encoding).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtpsend::message {

// RFC 2045 §6.8: base64 in lines of 76 characters, each ending in CRLF.
std::string base64_lines(std::string_view bytes);

// RFC 2045 §6.7: quoted-printable with CRLF line breaks and encoded lines of at most 76
// characters; any line ending in `text` (CRLF, LF, CR) is a line break.
std::string quoted_printable(std::string_view text);

// RFC 3629 §4 well-formed UTF-8: no overlong forms, surrogates or values above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// RFC 2045 §2.7: text that is not 7bit (a byte >= 0x80, a NUL, or a line over 998 octets)
// cannot be sent as it is and gets quoted-printable.
bool needs_transfer_encoding(std::string_view text);

// RFC 2047 "B" encoded-words of UTF-8 `text`, each at most 60 characters (§2 allows 75) and
// holding whole characters (§5), separated by one space: unfolded text, which
// header_fold.hpp folds between the words (§2: a line holding one stays within 76 characters).
std::string encoded_words(std::string_view text);

// Header text for an unstructured field (Subject): as it is when it is printable ASCII without
// "=?", else encoded_words(). Unfolded: header_fold.hpp folds it.
std::string header_text(std::string_view text);

// RFC 5322 §3.2.5 phrase for a display name: atoms as they are, else a quoted string, or
// encoded-words when it is not printable ASCII or holds "=?" (RFC 2047 §5(3)). Unfolded.
std::string phrase_text(std::string_view display_name);

// RFC 5322 §3.4 mailbox: "address", "Name <address>", "\"Smith, A\" <address>", or
// encoded-words for a non-ASCII name (RFC 2047 §5(3)). Unfolded: header_fold.hpp folds it.
std::string mailbox_text(std::string_view display_name, std::string_view address);

// A MIME parameter (RFC 2045 §5.1): name="value" for printable ASCII, else RFC 2231
// name*=UTF-8''percent-encoded.
std::string mime_parameter(std::string_view name, std::string_view value);

}  // namespace smtpsend::message
