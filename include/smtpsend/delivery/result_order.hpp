// delivery/result_order: the per-recipient results of a run put back in the order the user
// gave the recipients, one per (message, recipient).
//
// Owns: that order, one result for a recipient listed twice for one message (it was sent
// once), and the rule that a recipient is never left out of the report silently. Pure: no I/O.
#pragma once

#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/plan.hpp"

namespace smtpsend::delivery {

struct OrderedResults {
  std::vector<RecipientResult> results;  // one per (message, recipient), in input order
  std::error_code error;                 // Errc::internal: a recipient has no result
  std::string detail;                    // then one sentence naming it
};

// Delivery: every recipient of `messages` has a result in `results`. One without is our bug,
// never a shorter report: `error` is set and `results` is left empty.
OrderedResults in_input_order(const std::vector<OutgoingMessage>& messages,
                              std::vector<RecipientResult> results);

// --dry-run: resolution decides only some recipients (a domain whose hosts resolve has none
// yet, since it would be attempted); the decided ones, in input order.
std::vector<RecipientResult> decided_in_input_order(const std::vector<OutgoingMessage>& messages,
                                                    std::vector<RecipientResult> results);

}  // namespace smtpsend::delivery
