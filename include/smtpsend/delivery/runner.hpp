// delivery/runner: runs every destination's DestinationFsm on one io_context, at most
// `max_parallel` at a time, with the Resolver and the transport.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/core/progress.hpp"
#include "smtpsend/core/transcript.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"
#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/dns/resolver.hpp"
#include "smtpsend/transport/smtp_connection.hpp"

namespace smtpsend::delivery {

struct DeliveryOptions {
  std::string helo_name;
  std::uint16_t mx_port = 25;
  dns::AddressFamily family = dns::AddressFamily::any;   // -4 / -6
  std::vector<std::string> dns_servers;                  // --dns-server
  std::chrono::seconds dns_timeout{60};                  // whole resolution of one destination
  // At most this many destinations at once; lowered further when the open-files limit
  // (RLIMIT_NOFILE) could not hold that many connections (descriptor_budget.hpp).
  std::size_t max_parallel = 8;
  std::size_t max_addresses = kDefaultMaxAddresses;     // --max-addresses, per destination
  transport::Timeouts timeouts;
  transport::TlsSettings tls;                            // --tls, --ca-file, ... (MX: opportunistic)
  std::optional<RelayRoute> relay;                       // --relay: one server takes everything
  std::shared_ptr<const smtp::AuthSettings> auth;        // -u: AUTH (relay only)
  TranscriptSink* transcript = nullptr;                  // -v / -vv (may be null)
  ProgressSink* progress = nullptr;                      // the progress line (may be null)
};

struct DeliveryReport {
  std::vector<RecipientResult> results;  // one per (message, recipient), in input order
  // Set when there is no report to give: Errc::internal, our bug (exit 70), or the system
  // refused what a run needs, such as the resolver (Errc::dns_error, exit 71).
  std::error_code fatal;
  std::string fatal_detail;  // then its one sentence
};

// Delivers everything; blocks until done. Never throws.
DeliveryReport deliver(const std::vector<OutgoingMessage>& messages, const DeliveryOptions& options);

// --dry-run: resolves every destination and returns the plans; sends nothing.
std::vector<PlannedDestination> plan_only(const std::vector<OutgoingMessage>& messages,
                                          const DeliveryOptions& options,
                                          std::vector<RecipientResult>& resolution_results);

}  // namespace smtpsend::delivery
