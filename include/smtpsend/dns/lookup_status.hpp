// dns/lookup_status: what the result of a lookup means, in one table (as smtp/stage.cpp): its
// name, whether asking again may change it, the error code it is reported with, and the words a
// sentence uses for it. The only place that decides DNS temporariness; mx_plan, the resolver,
// the destination and the runner all ask is_temporary(). Pure; no I/O.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::dns {

enum class LookupStatus {
  ok,        // records present
  nxdomain,  // RCODE 3: the name does not exist
  nodata,    // NOERROR with no records of the asked type
  servfail,  // RCODE 2, or no server answered usefully: temporary
  refused,   // RCODE 5: temporary (another server might answer)
  timeout,   // no answer within the deadline: temporary
  error,     // anything else (malformed answer, resolver failure): temporary
  // No query reached a server: every DNS server refused the connection (ICMP port unreachable
  // for UDP, RST for TCP): temporary.
  unreachable,
  // The query never left this host (no socket: out of file descriptors, ...): temporary.
  local_error,
};
const char* to_string(LookupStatus status) noexcept;
std::ostream& operator<<(std::ostream& os, LookupStatus status);

// The one rule for DNS temporariness: only records, NXDOMAIN and NODATA are answers that asking
// again will not change; every other status may clear up and defers (RFC 5321 §5.1 leaves a
// failed lookup to be retried later).
bool is_temporary(LookupStatus status) noexcept;

// The error a failed lookup is reported with (Errc::dns_*).
Errc lookup_error(LookupStatus status) noexcept;

// What a failed lookup says in a sentence ("DNS lookup of example.com failed: SERVFAIL"). A
// lookup that never reached a server says why (`failure`, MxAnswer::failure), so that a local
// failure is not blamed on the server.
std::string lookup_failure_phrase(LookupStatus status, std::string_view failure);

}  // namespace smtpsend::dns
