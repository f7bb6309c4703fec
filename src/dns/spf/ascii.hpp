// dns/spf: the ASCII character classes the SPF grammar is written in (RFC 5234 ALPHA, DIGIT;
// RFC 7208 §12 alphanum), and ASCII case folding: SPF names and records are ASCII, and the
// locale must not change how they are read. Private to dns/spf.
#pragma once

namespace smtpsend::dns::spf::ascii {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
constexpr char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace smtpsend::dns::spf::ascii
