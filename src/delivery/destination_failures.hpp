// delivery/destination_failures: what a destination that delivered nothing tells its recipients,
// and in which words: a mail domain that is no domain (null MX, NXDOMAIN, an invalid name), a
// lookup that failed, no address to try, or addresses that all refused. Internal to the delivery
// module; destination_fsm.cpp decides when, this file says what and how (SPEC.md "Output").
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/dns/answer.hpp"
#include "smtpsend/dns/mx_plan.hpp"

namespace smtpsend::delivery::detail {

// A verdict for every unsettled recipient at once (DNS failures, exhausted addresses).
struct Verdict {
  RecipientStatus status = RecipientStatus::deferred;
  FailureCause cause = FailureCause::temporary;
  Errc error = Errc::internal;
  std::string detail;
};

// Why a host contributed no address to try.
enum class SkipReason { no_such_host, wrong_family, lookup_failed };

struct SkippedHost {
  std::string name;
  SkipReason reason = SkipReason::no_such_host;
  dns::LookupStatus status = dns::LookupStatus::ok;
  std::string failure;  // dns::AddressAnswer::failure
};
SkipReason skip_reason(dns::LookupStatus status);

enum class ConnectFailure { refused, timed_out, other };
ConnectFailure connect_failure(std::error_code error);

// What the destination learned while trying, as the sentences need it.
struct Attempts {
  std::string_view domain = {};  // as the sentences name it (the label of merged domains)
  bool relaying = false;
  dns::AddressFamily family = dns::AddressFamily::any;
  const dns::MxPlan& plan;
  std::span<const SkippedHost> skipped = {};
  std::span<const ConnectFailure> connect_failures = {};
  std::string_view last_connect_detail = {};
  std::size_t hosts_tried = 0;
  std::size_t addresses_tried = 0;
  bool gave_up = false;  // stopped by --max-addresses with addresses left untried
};

Verdict invalid_literal(std::string_view domain);
Verdict invalid_domain(std::string_view domain);
Verdict invalid_relay_host(std::string_view host);
// The MX answer settles the destination (null MX, NXDOMAIN, a failed lookup); nullopt when the
// plan has hosts to try.
std::optional<Verdict> plan_verdict(const dns::MxPlan& plan, std::string_view domain);
Verdict no_result(std::string_view domain);
// Every connection attempt failed (attempts.connect_failures is not empty).
Verdict connections_verdict(const Attempts& attempts);
// No address to connect to at all.
Verdict no_address_verdict(const Attempts& attempts);

std::size_t usable_addresses(const dns::MxPlan& plan);

}  // namespace smtpsend::delivery::detail
