#include "smtpsend/dns/unanswered.hpp"

#include <ares.h>

#include <cerrno>
#include <cstring>

#include "dns_message.hpp"

namespace smtpsend::dns {
namespace {

bool seen(const WireEvidence& evidence, int rcode) {
  return (evidence.rcodes_seen & (1u << rcode)) != 0;
}

// The query never left this host; the servers are not to blame.
Unanswered local_failure(int socket_errno) {
  if (socket_errno == EMFILE || socket_errno == ENFILE) {
    return {LookupStatus::local_error, "out of file descriptors"};
  }
  return {LookupStatus::local_error,
          std::string("cannot open a socket for DNS: ") + std::strerror(socket_errno)};
}

// ARES_ECONNREFUSED from c-ares 1.18: no server gave a usable answer (see unanswered.hpp).
Unanswered no_usable_answer(const WireEvidence& evidence) {
  if (evidence.socket_errno != 0) return local_failure(evidence.socket_errno);
  if (seen(evidence, wire::kRcodeServFail)) return {LookupStatus::servfail, {}};
  if (seen(evidence, wire::kRcodeRefused)) return {LookupStatus::refused, {}};
  if (!evidence.refused_by.empty()) {
    return {LookupStatus::unreachable, "DNS server " + evidence.refused_by + " refused the query"};
  }
  // Nothing seen: as before c-ares could tell, no server answered usefully.
  return {LookupStatus::servfail, {}};
}

}  // namespace

Unanswered classify_unanswered(int ares_status, const WireEvidence& evidence) {
  switch (ares_status) {
    case ARES_ENOTFOUND:
      return {LookupStatus::nxdomain, {}};
    case ARES_ENODATA:
      return {LookupStatus::nodata, {}};
    case ARES_ESERVFAIL:
      return {LookupStatus::servfail, {}};
    case ARES_EREFUSED:
      return {LookupStatus::refused, {}};
    case ARES_ETIMEOUT:
      // A timed-out try is retried in the same c-ares call; a retry without a socket ends it.
      if (evidence.socket_errno != 0) return local_failure(evidence.socket_errno);
      return {LookupStatus::timeout, {}};
    case ARES_ECONNREFUSED:
      return no_usable_answer(evidence);
    case ARES_ENOMEM:
      return {LookupStatus::local_error, "out of memory"};
    default:
      return {LookupStatus::error, {}};
  }
}

}  // namespace smtpsend::dns
