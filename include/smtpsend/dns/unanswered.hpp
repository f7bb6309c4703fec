// dns/unanswered: what a lookup that ended without a response means (pure; no I/O).
//
// c-ares 1.18 ends a query with ARES_ECONNREFUSED whenever no server gave a usable answer,
// whatever the reason: every server answered SERVFAIL or REFUSED, nothing listened on the
// server's port, or no socket could be opened at all (the status it starts every query with is
// never changed). What the channel saw on its sockets during the c-ares call that ended the
// query (WireEvidence, gathered by ares_channel's socket functions) tells these apart, so that a
// local failure is not reported as the server's SERVFAIL. Must not: block, or know about SMTP.
#pragma once

#include <string>

#include "smtpsend/dns/answer.hpp"

namespace smtpsend::dns {

struct WireEvidence {
  int socket_errno = 0;     // socket() failed with this errno (EMFILE, ENFILE, ...)
  std::string refused_by;   // "127.0.0.1:53": a server whose port refused (ECONNREFUSED)
  unsigned rcodes_seen = 0;  // bit N set: a response with RCODE N arrived over UDP
  friend bool operator==(const WireEvidence&, const WireEvidence&) = default;
};

struct Unanswered {
  LookupStatus status = LookupStatus::error;
  std::string failure;  // MxAnswer::failure: set for unreachable and local_error
  friend bool operator==(const Unanswered&, const Unanswered&) = default;
};

// `ares_status` is the status c-ares handed to the query's callback without response bytes.
Unanswered classify_unanswered(int ares_status, const WireEvidence& evidence);

}  // namespace smtpsend::dns
