// smtp/capabilities: what a server's EHLO reply offers (RFC 5321 §4.1.1.1 and extensions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smtpsend/smtp/reply.hpp"

namespace smtpsend::smtp {

struct Capabilities {
  bool esmtp = false;             // the server answered EHLO (not only HELO)
  bool pipelining = false;        // RFC 2920
  bool eight_bit_mime = false;    // RFC 6152
  bool smtputf8 = false;          // RFC 6531
  bool chunking = false;          // RFC 3030
  bool binary_mime = false;       // RFC 3030
  bool starttls = false;          // RFC 3207
  bool dsn = false;               // RFC 3461
  bool enhanced_status_codes = false;  // RFC 2034
  // RFC 1870 SIZE: nullopt when not offered; 0 means offered without a fixed limit.
  std::optional<std::uint64_t> size;
  std::vector<std::string> auth_mechanisms;  // RFC 4954, upper-cased, in the server's order

  // Keywords are case-insensitive; the first line (the greeting text) is skipped; unknown
  // keywords and malformed parameters are ignored (a bad SIZE value means "no SIZE").
  static Capabilities from_ehlo(const Reply& reply);
  friend bool operator==(const Capabilities&, const Capabilities&) = default;
};

}  // namespace smtpsend::smtp
