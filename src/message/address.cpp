// Envelope addresses as RFC 5321 §4.1.2 (Mailbox) and RFC 6531 §3.3 (UTF-8 in both parts)
// define them. Every failure names the address and the first reason, in one line.
#include "smtpsend/message/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "smtpsend/dns/mx_plan.hpp"

namespace smtpsend::message {
namespace {

// RFC 5321 §4.5.3.1.1 (local part) and §4.5.3.1.3 (a path of 256 octets including "<>").
constexpr std::size_t kMaxLocalPart = 64;
constexpr std::size_t kMaxAddress = 254;
constexpr std::size_t kMaxLabel = 63;  // RFC 1035 §2.3.4

using Reason = std::optional<std::string>;  // empty when the part is fine

bool has_non_ascii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

bool is_ascii_alnum(unsigned char u) {
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9');
}

// RFC 5322 §3.2.3 atext; RFC 6531 §3.3 adds UTF8-non-ascii.
bool is_atext(unsigned char u) {
  if (is_ascii_alnum(u) || u >= 0x80) return true;
  for (const char* p = "!#$%&'*+-/=?^_`{|}~"; *p != '\0'; ++p) {
    if (u == static_cast<unsigned char>(*p)) return true;
  }
  return false;
}

// RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 < 0x80) {
      ++i;
      continue;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;
      if (b0 == 0xED) hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;
      if (b0 == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

// The code point of the well-formed UTF-8 sequence at s[i], and its length.
char32_t code_point_at(std::string_view s, std::size_t i, std::size_t& length) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  length = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  if (i + length > s.size()) length = 1;
  if (length == 1) return b0;
  char32_t cp = b0 & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Characters no mailbox may hold: C0 and C1 controls, the line and paragraph separators
// (U+2028/2029, which some programs take for line breaks), the byte order mark, and the
// bidirectional controls (U+200E/F, U+202A-202E, U+2066-2069), which make an address display
// as another one (Unicode TR #36 §2.2; RFC 8264 §9.13). RFC 6531 §3.3 allows UTF-8, not these.
const char* forbidden_kind(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return "a control character";
  if (cp >= 0x80 && cp <= 0x9F) return "a control character";
  if (cp == 0x2028 || cp == 0x2029) return "a line or paragraph separator";
  if (cp == 0xFEFF) return "a byte order mark";
  if (cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069)) {
    return "a bidirectional control";
  }
  return nullptr;
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// The address as it may appear in an error: every character forbidden_kind() names is written
// as <U+XXXX>, so the report stays one line and shows what is hidden.
std::string printable(std::string_view s) {
  std::string out;
  const bool utf8 = is_valid_utf8(s);
  for (std::size_t i = 0; i < s.size();) {
    std::size_t length = 1;
    const char32_t cp = utf8 ? code_point_at(s, i, length) : static_cast<unsigned char>(s[i]);
    if (!utf8 && cp >= 0x80) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "\\x%02X", static_cast<unsigned>(cp));
      out += byte;
    } else if (forbidden_kind(cp) != nullptr) {
      out += "<" + code_point_name(cp) + ">";
    } else {
      out.append(s.substr(i, length));
    }
    i += length;
  }
  return out;
}

// RFC 5321 §4.1.2 Quoted-string: qtextSMTP (printable ASCII but '"' and '\') or a
// quoted-pairSMTP ('\' and a printable character). Returns the index just past the closing
// quote, or npos with `why` set.
std::size_t quoted_string_end(std::string_view s, std::string& why) {
  for (std::size_t i = 1; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '"') return i + 1;
    if (u == '\\') {
      if (i + 1 == s.size()) break;
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next < 32 || next > 126) {
        why = "invalid quoted pair in the quoted local part";
        return std::string_view::npos;
      }
      ++i;
    }
  }
  why = "unterminated quoted string";
  return std::string_view::npos;
}

Reason check_dot_atom_local(std::string_view local) {
  if (local.front() == '.' || local.back() == '.') return "local part starts or ends with a dot";
  if (local.find("..") != std::string_view::npos) return "two dots in a row in the local part";
  for (char c : local) {
    if (c == ' ') return "contains a space";
    if (c != '.' && !is_atext(static_cast<unsigned char>(c))) {
      return std::string("invalid character '") + c + "' in the local part";
    }
  }
  return std::nullopt;
}

// RFC 5321 §4.1.3 address literals; the General-address-literal tags are not in use.
Reason check_address_literal(std::string_view literal) {
  if (literal.size() < 2 || literal.back() != ']') return "unterminated address literal";
  const std::string inner(literal.substr(1, literal.size() - 2));
  unsigned char buf[16];
  // Neither "this network" (RFC 1122 §3.2.1.3) nor the unspecified address (RFC 4291 §2.5.2)
  // names a host to deliver to; connect() would quietly reach this machine instead.
  if (inner.size() > 5 &&
      (inner.compare(0, 5, "IPv6:") == 0 || inner.compare(0, 5, "ipv6:") == 0)) {
    if (::inet_pton(AF_INET6, inner.c_str() + 5, buf) != 1) return "bad IPv6 address literal";
    const bool unspecified = std::all_of(buf, buf + 16, [](unsigned char b) { return b == 0; });
    if (unspecified) return "the unspecified address :: is not a destination";
    return std::nullopt;
  }
  if (inner.find(':') != std::string::npos) return "unsupported address literal";
  if (::inet_pton(AF_INET, inner.c_str(), buf) != 1) return "bad IPv4 address literal";
  if (buf[0] == 0) return "0.0.0.0/8 (this network) is not a destination";
  return std::nullopt;
}

// RFC 5321 §4.1.2 Domain: sub-domains of letters, digits and inner hyphens; RFC 6531 §3.3
// allows U-labels, which the dns module turns into A-labels.
Reason check_hostname(std::string_view domain) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label =
        domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return "empty label in the domain";
    if (label.size() > kMaxLabel) return "domain label longer than 63 octets";
    if (label.front() == '-' || label.back() == '-') return "domain label starts or ends with '-'";
    for (char c : label) {
      const auto u = static_cast<unsigned char>(c);
      if (c == ' ') return "contains a space";
      if (c == '@') return "more than one '@'";
      if (!is_ascii_alnum(u) && c != '-' && u < 0x80) {
        return std::string("invalid character '") + c + "' in the domain";
      }
    }
    if (dot == std::string_view::npos) return std::nullopt;
    start = dot + 1;
  }
}

Reason check_domain(std::string_view domain) {
  if (domain.empty()) return "missing domain";
  if (domain.front() == '[') return check_address_literal(domain);
  return check_hostname(domain);
}

Reason check_characters(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n') return "contains a line break";
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return "contains a control character";
  }
  if (!is_valid_utf8(s)) return "invalid UTF-8";
  for (std::size_t i = 0, length = 1; i < s.size(); i += length) {
    const char32_t cp = code_point_at(s, i, length);
    if (const char* kind = forbidden_kind(cp)) {
      return "contains " + code_point_name(cp) + ", " + kind;
    }
  }
  return std::nullopt;
}

// RFC 5891 §4: a U-label domain must convert to A-labels before anything is sent, so a name
// IDNA2008 refuses stops the run up front instead of failing after other domains got the mail.
Reason to_a_labels(std::string_view domain, std::string& ascii) {
  if (domain.front() == '[') return std::nullopt;
  // UTS #46 maps some code points (U+00AD soft hyphen) to nothing, so the converted form is
  // checked again: "a.\u00ad.example" would otherwise become the empty label of "a..example".
  if (!dns::to_ascii_domain(domain, ascii) || check_hostname(ascii)) {
    return "the domain is not a valid internationalised domain name (IDNA2008)";
  }
  return std::nullopt;
}

// "<addr>" -> "addr"; a lone bracket is an error.
Reason strip_angle_brackets(std::string_view& s) {
  const bool opens = !s.empty() && s.front() == '<';
  const bool closes = !s.empty() && s.back() == '>';
  if (opens && closes && s.size() >= 2) {
    s = s.substr(1, s.size() - 2);
    return std::nullopt;
  }
  if (opens || closes) return "unbalanced angle brackets";
  return std::nullopt;
}

// Splits "local@domain" into its parts; `has_at` tells a bare local part from "local@".
Reason split_address(std::string_view s, std::string_view& local, std::string_view& domain,
                     bool& has_at) {
  std::size_t local_end = 0;
  if (s.front() == '"') {
    std::string why;
    local_end = quoted_string_end(s, why);
    if (local_end == std::string_view::npos) return why;
    if (local_end < s.size() && s[local_end] != '@') return "text after the quoted local part";
  } else {
    local_end = std::min(s.find('@'), s.size());
  }
  local = s.substr(0, local_end);
  has_at = local_end < s.size();
  domain = has_at ? s.substr(local_end + 1) : std::string_view{};
  if (local.empty()) return "missing local part";
  if (has_at && domain.empty()) return "missing domain";
  if (domain.find('@') != std::string_view::npos) return "more than one '@'";
  return std::nullopt;
}

Reason parse(std::string_view input, std::string_view qualify_domain, EnvelopeAddress& out) {
  if (input.empty()) return "empty address";
  if (auto why = check_characters(input)) return why;
  if (auto why = strip_angle_brackets(input)) return why;
  if (input.empty()) return "empty address";
  std::string_view local;
  std::string_view domain;
  bool has_at = false;
  if (auto why = split_address(input, local, domain, has_at)) return why;
  if (local.front() != '"') {
    if (auto why = check_dot_atom_local(local)) return why;
  }
  if (local.size() > kMaxLocalPart) return "local part longer than 64 octets";
  if (!has_at) {
    // A bare local part ("root") is qualified, as sendmail does for local senders.
    if (qualify_domain.empty()) return "no domain and no qualify domain";
    if (check_domain(qualify_domain)) return "the qualify domain is not a valid domain";
    domain = qualify_domain;
  } else if (auto why = check_domain(domain)) {
    return why;
  }
  if (local.size() + 1 + domain.size() > kMaxAddress) return "longer than 254 octets";
  if (auto why = to_a_labels(domain, out.ascii_domain)) return why;
  out.local.assign(local);
  out.domain.assign(domain);
  out.domain_literal = domain.front() == '[';
  out.text = out.local + "@" + out.domain;
  return std::nullopt;
}

}  // namespace

// An address built field by field rather than parsed has no ascii_domain: its domain is then
// compared lower-cased (ASCII) as written.
std::string EnvelopeAddress::domain_key() const {
  if (domain_literal) return domain;
  if (!ascii_domain.empty()) return ascii_domain;
  std::string key = domain;
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string EnvelopeAddress::header_text() const {
  if (domain_literal || ascii_domain.empty() || has_non_ascii(local)) return text;
  return local + "@" + ascii_domain;
}

bool parse_envelope_address(std::string_view input, std::string_view qualify_domain,
                            EnvelopeAddress& out, std::string& detail) {
  EnvelopeAddress parsed;
  if (auto why = parse(input, qualify_domain, parsed)) {
    detail = "bad address '" + printable(input) + "': " + *why;
    return false;
  }
  out = std::move(parsed);
  return true;
}

}  // namespace smtpsend::message
