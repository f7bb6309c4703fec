// core/outcome: per-recipient results and the single mapping from results to an exit status.
//
// Every module that decides a recipient's fate produces a RecipientResult; exit_code_for() is
// the only place that turns results into sysexits.h codes (SPEC.md "Exit status"), and
// exit_code_for_fatal() the only one for a run that ended without results.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <system_error>

#include "smtpsend/core/diagnostics.hpp"

namespace smtpsend {

enum class ExitCode : int {
  ok = 0,
  usage = 64,        // EX_USAGE
  data_error = 65,   // EX_DATAERR
  no_input = 66,     // EX_NOINPUT
  no_user = 67,      // EX_NOUSER
  no_host = 68,      // EX_NOHOST
  unavailable = 69,  // EX_UNAVAILABLE
  software = 70,     // EX_SOFTWARE
  os_error = 71,     // EX_OSERR
  cant_create = 73,  // EX_CANTCREAT
  io_error = 74,     // EX_IOERR
  temp_fail = 75,    // EX_TEMPFAIL
  protocol = 76,     // EX_PROTOCOL
  no_perm = 77,      // EX_NOPERM
  config = 78,       // EX_CONFIG
};

// queued: deferred, and kept in the queue (SPEC.md "Queue"): safe, so it exits 0 like delivered.
enum class RecipientStatus { delivered, queued, deferred, failed };

// Why a recipient was not delivered; decides the exit code (SPEC.md exit rules).
enum class FailureCause {
  none,           // delivered
  message,        // the message is malformed or cannot be encoded for the server (65)
  policy,         // authentication failed or the TLS policy could not be met (77)
  no_host,        // NXDOMAIN, null MX, neither MX nor address records (68)
  rcpt_rejected,  // a 5xx (or 4xx, when deferred) reply to RCPT TO (67)
  permanent,      // any other permanent failure (69)
  temporary,      // a temporary failure: 4xx, timeout, unreachable, DNS SERVFAIL (75)
  protocol,       // the server broke the protocol (76 when deferred)
};

struct RecipientResult {
  std::size_t message_index = 0;  // which -m message
  std::string address;            // the envelope recipient as given
  RecipientStatus status = RecipientStatus::deferred;
  FailureCause cause = FailureCause::none;
  Diagnostics diag;
  bool may_duplicate = false;     // lost after the final dot: the server may have delivered it
  std::string queue_id = {};      // queued: the queue entry that keeps it
  friend bool operator==(const RecipientResult&, const RecipientResult&) = default;
};

// SPEC.md: all delivered, or delivered and queued -> 0; any failed -> 65, 77, 68, 67 (every failure a 5xx to RCPT), 69,
// first that applies; otherwise any deferred -> 76 if a deferral was a protocol violation, else 75.
// No recipients at all -> 64.
ExitCode exit_code_for(std::span<const RecipientResult> results) noexcept;

// A run without a report (delivery::DeliveryReport::fatal): Errc::internal is our bug
// (EX_SOFTWARE, 70); anything else is the system refusing a resource, such as the resolver
// (EX_OSERR, 71).
ExitCode exit_code_for_fatal(std::error_code fatal) noexcept;

const char* to_string(RecipientStatus status) noexcept;
const char* to_string(FailureCause cause) noexcept;

}  // namespace smtpsend
