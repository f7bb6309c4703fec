// delivery/shared_mx: domains whose mail goes to the same MX hosts share one destination, so one
// connection (and one transaction per message) carries all their recipients (SPEC.md "Protocol
// duties": destinations whose MX host is the same may share one; issue 5, bulk sending). Google
// Workspace or Microsoft 365 customers are many domains behind one set of MX hosts.
//
// Owns: the rule for "the same MX hosts" (identical MX record sets: the same host names at the
// same preferences), and merging such destinations. Pure: the MX answers are looked up by the
// runner. Must not: resolve, or merge anything whose answer was not a usable MX list (NXDOMAIN,
// NODATA, null MX, a failed lookup: each domain then keeps its own result and sentence).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/dns/answer.hpp"

namespace smtpsend::delivery {

// `answers` maps a destination's A-label domain to its MX answer. Destinations with the same
// usable MX set become the first of them, in order: it keeps its `domain` (whose MX answer it
// uses) and its `label` names every merged domain ("example.com and example.net") for the
// sentences that quote it. Transactions of the same message are joined (recipients appended,
// SMTPUTF8 needs combined).
std::vector<Destination> merge_shared_mx(std::vector<Destination> destinations,
                                         const std::map<std::string, dns::MxAnswer>& answers);

// The A-label form of a destination's domain, as its MX query is made; empty for an address
// literal or a name that has no A-label form.
std::string mx_query_name(const Destination& destination);

}  // namespace smtpsend::delivery
