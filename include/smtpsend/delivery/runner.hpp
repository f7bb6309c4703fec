// delivery/runner: runs every destination's DestinationFsm on one io_context, at most
// `max_parallel` at a time, with the Resolver and the transport.
#pragma once

#include <string>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/options.hpp"
#include "smtpsend/delivery/plan.hpp"

namespace smtpsend::delivery {

struct DeliveryReport {
  std::vector<RecipientResult> results;  // one per (message, recipient), in input order
  std::string fatal;                     // non-empty: setup failed (e.g. resolver); exit 70/71
};

// Delivers everything; blocks until done. Never throws.
DeliveryReport deliver(const std::vector<OutgoingMessage>& messages, const DeliveryOptions& options);

// --dry-run: resolves every destination and returns the plans; sends nothing.
std::vector<PlannedDestination> plan_only(const std::vector<OutgoingMessage>& messages,
                                          const DeliveryOptions& options,
                                          std::vector<RecipientResult>& resolution_results);

}  // namespace smtpsend::delivery
