// delivery/runner: runs every destination's DestinationFsm on one io_context, at most
// `max_parallel` at a time, with the Resolver and the transport.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/options.hpp"
#include "smtpsend/delivery/plan.hpp"

namespace smtpsend::delivery {

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
