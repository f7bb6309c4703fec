// cli/relay_target: the --relay value (SPEC.md "Routing"): HOST[:PORT], smtp://HOST[:PORT],
// smtps://HOST[:PORT], IPv6 literals in brackets ("[::1]:587"). Pure; shared by the option and
// the configuration file's `relay` key so both accept and refuse the same spellings.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/delivery/options.hpp"

namespace smtpsend::cli {

inline constexpr std::uint16_t kSubmissionPort = 587;  // RFC 6409 §3.1
inline constexpr std::uint16_t kSubmissionsPort = 465;  // RFC 8314 §7.3

// Fills `route` (port 0 when the text names none: see default_relay_port) or returns false with
// one sentence in `error` that does not name the option (the caller prefixes "--relay: " or
// "file:line: ").
bool parse_relay_target(std::string_view text, delivery::RelayRoute& route, std::string& error);

// 465 with implicit TLS, else 587.
constexpr std::uint16_t default_relay_port(bool implicit_tls) noexcept {
  return implicit_tls ? kSubmissionsPort : kSubmissionPort;
}

}  // namespace smtpsend::cli
