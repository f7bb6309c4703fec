// delivery/options: everything a run of deliveries is told, as one value built by cli (and
// completed by app with the AUTH secret and the output sinks), then read where it is used, each
// part whole: the Route by the DestinationFsm, the TLS settings by the transport (the policy by
// host_tls), the SessionSettings by every session. No I/O and no Asio here, so that cli, which
// builds it, compiles no network header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smtpsend/core/in_flight.hpp"
#include "smtpsend/core/progress.hpp"
#include "smtpsend/core/transcript.hpp"
#include "smtpsend/dns/answer.hpp"
#include "smtpsend/smtp/session.hpp"
#include "smtpsend/transport/settings.hpp"

namespace smtpsend::delivery {

// --relay: one submission server takes every recipient (SPEC.md "Routing").
struct RelayRoute {
  std::string host;             // a host name, or an IP address without brackets
  std::uint16_t port = 587;     // RFC 6409 submission; 465 with implicit TLS (RFC 8314)
  bool implicit_tls = false;    // smtps:// or --smtps
  bool address_literal = false; // host is an IP address: no DNS lookup
  friend bool operator==(const RelayRoute&, const RelayRoute&) = default;
};

// SPEC.md --max-addresses: as Postfix's smtp_mx_address_limit.
inline constexpr std::size_t kDefaultMaxAddresses = 5;

// Where a destination's hosts are found and which of their addresses are tried (SPEC.md
// "Routing"). The DestinationFsm takes this value as it is (FsmOptions::route), as do
// tls_for_host() and --dry-run's plan, so a route setting is one member here and nothing copies
// it field by field.
struct Route {
  std::uint16_t mx_port = 25;                           // --mx-port
  dns::AddressFamily family = dns::AddressFamily::any;  // -4 / -6
  std::optional<RelayRoute> relay;                      // --relay: one server takes everything
  // --max-addresses: addresses tried (connected to or failed) per destination, over all its
  // hosts; a repeat of the same address in clear after a failed TLS handshake is not counted.
  std::size_t max_addresses = kDefaultMaxAddresses;
  friend bool operator==(const Route&, const Route&) = default;
};

// The port every host of a destination is connected to: the relay's (its URL or 587/465), or
// --mx-port. Read by the DestinationFsm and by --dry-run's plan alike.
constexpr std::uint16_t destination_port(const Route& route) noexcept {
  return route.relay ? route.relay->port : route.mx_port;
}

struct DeliveryOptions {
  std::string helo_name;
  Route route;
  std::vector<std::string> dns_servers;  // --dns-server
  std::chrono::seconds dns_timeout{60};  // whole resolution of one destination
  // At most this many destinations at once; lowered further when the open-files limit
  // (RLIMIT_NOFILE) could not hold that many connections (descriptor_budget.hpp).
  std::size_t max_parallel = 8;
  std::chrono::seconds connect_timeout{30};  // --connect-timeout, per address
  transport::TlsSettings tls;                // --tls, --ca-file, ... (policy: host_tls.hpp)
  // What every session of the run is told, carried to each as this one value: --timeout (the
  // stage timeouts, also what the transport arms), -u's AUTH (relay only, filled by app), the
  // progress line (may be null; also told of recipients settled without a session).
  smtp::SessionSettings session;
  TranscriptSink* transcript = nullptr;  // -v / -vv (may be null)
  InFlightSink* in_flight = nullptr;     // the queue's in-flight record (may be null)
};

}  // namespace smtpsend::delivery
