// dns/mx_plan: which hosts to try for a domain, in which order (RFC 5321 §5.1, RFC 7505).
//
// Owns: preference order with equal preferences shuffled by an injected random generator,
// the implicit MX (the domain itself when it has no MX), null MX ("0 ." -> permanent failure,
// no connection), domain literals ("[192.0.2.1]", "[IPv6:2001:db8::1]"), IDNA A-labels.
// Pure: no I/O. Errors: plan kinds, never exceptions.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/dns/answer.hpp"

namespace smtpsend::dns {

struct PlannedHost {
  std::string name;                    // host name, or the literal address
  std::uint16_t preference = 0;
  std::vector<std::string> addresses;  // known addresses (literal, or from additional section)
  bool addresses_known = false;        // true when no A/AAAA lookup is needed
  friend bool operator==(const PlannedHost&, const PlannedHost&) = default;
};

enum class PlanKind {
  mx,          // hosts from MX records, in the order to try
  implicit,    // no MX: the domain itself is the only host (RFC 5321 §5.1)
  literal,     // domain literal: one host, address known
  null_mx,     // RFC 7505: permanent failure, no connection
  no_domain,   // NXDOMAIN: permanent failure
  temporary,   // SERVFAIL, timeout, refused, unreachable, local or other error: try later
};
const char* to_string(PlanKind kind) noexcept;

struct MxPlan {
  PlanKind kind = PlanKind::temporary;
  std::string domain;       // as looked up (A-label form)
  LookupStatus status = LookupStatus::ok;  // the MX lookup's status
  std::vector<PlannedHost> hosts;
  std::string failure = {};  // the MX answer's failure text (answer.hpp), for `temporary`
  friend bool operator==(const MxPlan&, const MxPlan&) = default;
};
std::ostream& operator<<(std::ostream& os, const MxPlan& plan);

// Returns a uniformly chosen integer in [0, bound); injected so tests can seed it.
using RandomIndex = std::function<std::size_t(std::size_t bound)>;

// Builds the plan from an MX answer: sorts by preference, shuffles runs of equal preference
// with `random` (Fisher-Yates), attaches additional-section addresses, recognises null MX
// (a single record whose host is the root) and the implicit MX (nodata).
MxPlan plan_from_mx(std::string_view domain, const MxAnswer& answer, const RandomIndex& random);

// "[192.0.2.1]" / "[IPv6:2001:db8::1]" -> literal plan; false if `domain` is not a valid literal.
bool plan_from_literal(std::string_view domain, MxPlan& plan);

// IDNA2008 (libidn2) to A-labels, lower-cased; false if the name cannot be converted.
bool to_ascii_domain(std::string_view domain, std::string& ascii);

}  // namespace smtpsend::dns
