#include "destination_failures.hpp"

#include <algorithm>

namespace smtpsend::delivery::detail {
namespace {

std::string_view family_name(dns::AddressFamily family) {
  return family == dns::AddressFamily::ipv6 ? "IPv6 (-6)" : "IPv4 (-4)";
}

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

std::string dns_failure(std::string_view subject, const SkippedHost& s) {
  return "DNS lookup of " + std::string(subject) +
         " failed: " + dns::lookup_failure_phrase(s.status, s.failure);
}

bool all_failures(const Attempts& a, ConnectFailure kind) {
  return std::all_of(a.connect_failures.begin(), a.connect_failures.end(),
                     [kind](ConnectFailure f) { return f == kind; });
}

bool any_skipped(const Attempts& a, SkipReason reason) {
  return std::any_of(a.skipped.begin(), a.skipped.end(),
                     [reason](const SkippedHost& s) { return s.reason == reason; });
}

Errc connect_errc(const Attempts& a) {
  if (all_failures(a, ConnectFailure::refused)) return Errc::connection_refused;
  if (all_failures(a, ConnectFailure::timed_out)) return Errc::connect_timeout;
  return Errc::network_error;
}

std::size_t hosts_not_looked_up(const dns::MxPlan& plan) {
  std::size_t n = 0;
  for (const dns::PlannedHost& h : plan.hosts) n += h.addresses_known ? 0 : 1;
  return n;
}

std::string tried_where(const Attempts& a) {
  if (a.relaying) return "relay host " + std::string(a.domain);
  if (a.plan.kind == dns::PlanKind::implicit) {
    return std::string(a.domain) + " (no MX, using its address records)";
  }
  return counted(a.hosts_tried, "MX host", "MX hosts") + " of " + std::string(a.domain);
}

// The connection failures when the address limit stopped the destination: where they were is
// said by gave_up_clause. "connection refused by all 5 addresses tried"
std::string tried_sentence(const Attempts& a) {
  const std::size_t n = a.connect_failures.size();
  const std::string tried = counted(n, "address", "addresses") + " tried";
  const std::string detail(a.last_connect_detail);
  if (all_failures(a, ConnectFailure::refused)) {
    return "connection refused by " + std::string(n == 1 ? "the " : "all ") + tried;
  }
  if (all_failures(a, ConnectFailure::timed_out)) {
    return detail + " from " + std::string(n == 1 ? "the " : "any of the ") + tried;
  }
  if (n == 1) return "could not connect to the 1 address tried: " + detail;
  return "could not connect to any of the " + tried;
}

// "gave up after 5 of 100 addresses of 10 MX hosts of example.com"; hosts not reached were not
// looked up (that would only cost DNS time), so their addresses cannot be counted.
std::string gave_up_clause(const Attempts& a) {
  const std::string after = "gave up after " + std::to_string(a.addresses_tried) + " of ";
  const std::string domain(a.domain);
  std::string where;
  if (a.relaying) {
    where = "relay host " + domain;
  } else if (a.plan.kind == dns::PlanKind::implicit) {
    where = domain + " (no MX, using its address records)";
  } else {
    where = counted(a.plan.hosts.size(), "MX host", "MX hosts") + " of " + domain;
  }
  const std::size_t not_looked_up = hosts_not_looked_up(a.plan);
  if (not_looked_up == 0) {
    return after + counted(usable_addresses(a.plan), "address", "addresses") + " of " + where;
  }
  // Only an MX plan has hosts left to look up: the implicit MX and the relay are one host.
  return after + "the addresses of " + where + " (" + std::to_string(not_looked_up) +
         " of them not looked up)";
}

// "connection refused by all 2 addresses of 2 MX hosts of example.com"
std::string connect_sentence(const Attempts& a) {
  if (a.gave_up) return tried_sentence(a) + "; " + gave_up_clause(a);
  const std::size_t n = a.connect_failures.size();
  const std::string addresses = counted(n, "address", "addresses");
  const std::string detail(a.last_connect_detail);
  const bool literal = a.plan.kind == dns::PlanKind::literal;
  const std::string where = literal && !a.relaying ? std::string(a.domain) : tried_where(a);
  if (literal) {
    if (all_failures(a, ConnectFailure::refused)) return "connection refused by " + where;
    if (all_failures(a, ConnectFailure::timed_out)) return detail + " from " + where;
    return "could not connect to " + where + ": " + detail;
  }
  const std::string every = n == 1 ? "the " : "all ";
  const std::string any = n == 1 ? "the " : "any of the ";
  if (all_failures(a, ConnectFailure::refused)) {
    return "connection refused by " + every + addresses + " of " + where;
  }
  if (all_failures(a, ConnectFailure::timed_out)) {
    return detail + " from " + any + addresses + " of " + where;
  }
  if (n == 1) return "could not connect to the 1 address of " + where + ": " + detail;
  return "could not connect to any of the " + addresses + " of " + where;
}

std::string skipped_names(const Attempts& a) {
  std::string names;
  for (const SkippedHost& s : a.skipped) {
    if (!names.empty()) names += ", ";
    names += s.name;
  }
  return names;
}

// Hosts left out of the count because they had no address to try.
std::string skipped_note(const Attempts& a) {
  if (a.skipped.empty() || a.plan.kind != dns::PlanKind::mx) return "";
  return " (no usable address for " + skipped_names(a) + ")";
}

// A relay host name that does not resolve is as final as a recipient domain that does not
// exist (msmtp says EX_NOHOST too); a lookup that failed may work later.
Verdict relay_without_address(const Attempts& a) {
  const std::string where = "relay host " + std::string(a.domain);
  for (const SkippedHost& s : a.skipped) {
    if (s.reason == SkipReason::lookup_failed) {
      return {RecipientStatus::deferred, FailureCause::temporary, dns::lookup_error(s.status),
              dns_failure(where, s)};
    }
    if (s.reason == SkipReason::wrong_family) {
      return {RecipientStatus::failed, FailureCause::permanent, Errc::no_mx_nor_address,
              where + " has no " + std::string(family_name(a.family)) + " address"};
    }
  }
  return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
          where + " has no address record"};
}

}  // namespace

SkipReason skip_reason(dns::LookupStatus status) {
  if (status == dns::LookupStatus::ok) return SkipReason::wrong_family;
  if (dns::is_temporary(status)) return SkipReason::lookup_failed;
  return SkipReason::no_such_host;
}

ConnectFailure connect_failure(std::error_code error) {
  if (error == Errc::connection_refused) return ConnectFailure::refused;
  if (error == Errc::connect_timeout) return ConnectFailure::timed_out;
  return ConnectFailure::other;
}

Verdict invalid_literal(std::string_view domain) {
  return {RecipientStatus::failed, FailureCause::message, Errc::message_malformed,
          std::string(domain) + " is not a valid address literal"};
}

Verdict invalid_domain(std::string_view domain) {
  return {RecipientStatus::failed, FailureCause::message, Errc::message_malformed,
          std::string(domain) + " is not a valid domain name (IDNA2008)"};
}

Verdict invalid_relay_host(std::string_view host) {
  return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
          "relay host " + std::string(host) + " is not a valid host name (IDNA2008)"};
}

std::optional<Verdict> plan_verdict(const dns::MxPlan& plan, std::string_view domain) {
  const std::string name(domain);
  switch (plan.kind) {
    case dns::PlanKind::null_mx:
      // RFC 7505 §3: a null MX means the domain accepts no mail; no connection is attempted.
      return Verdict{RecipientStatus::failed, FailureCause::no_host, Errc::null_mx,
                     name + " does not accept mail (null MX, RFC 7505)"};
    case dns::PlanKind::no_domain:
      return Verdict{RecipientStatus::failed, FailureCause::no_host, Errc::dns_nxdomain,
                     name + " does not exist (NXDOMAIN)"};
    case dns::PlanKind::temporary:
      return Verdict{RecipientStatus::deferred, FailureCause::temporary,
                     dns::lookup_error(plan.status),
                     "DNS lookup of " + name +
                         " failed: " + dns::lookup_failure_phrase(plan.status, plan.failure)};
    case dns::PlanKind::mx:
    case dns::PlanKind::implicit:
    case dns::PlanKind::literal:
      break;
  }
  return std::nullopt;
}

Verdict no_result(std::string_view domain) {
  return {RecipientStatus::deferred, FailureCause::temporary, Errc::internal,
          "delivery to " + std::string(domain) + " ended without a result"};
}

Verdict connections_verdict(const Attempts& a) {
  return {RecipientStatus::deferred, FailureCause::temporary, connect_errc(a),
          connect_sentence(a) + skipped_note(a)};
}

Verdict no_address_verdict(const Attempts& a) {
  if (a.relaying) return relay_without_address(a);
  const std::string domain(a.domain);
  for (const SkippedHost& s : a.skipped) {
    if (s.reason == SkipReason::lookup_failed) {
      const std::string subject = a.plan.kind == dns::PlanKind::implicit ? domain : s.name;
      return {RecipientStatus::deferred, FailureCause::temporary, dns::lookup_error(s.status),
              dns_failure(subject, s)};
    }
  }
  if (a.plan.kind == dns::PlanKind::implicit && !any_skipped(a, SkipReason::wrong_family)) {
    // RFC 5321 §5.1: no MX and no address record means the domain cannot receive mail.
    return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
            domain + " has neither MX nor address records"};
  }
  if (any_skipped(a, SkipReason::wrong_family) || a.plan.kind == dns::PlanKind::literal) {
    return {RecipientStatus::failed, FailureCause::permanent, Errc::no_mx_nor_address,
            domain + " has no " + std::string(family_name(a.family)) + " address"};
  }
  return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
          "no MX host of " + domain + " has an address record (" + skipped_names(a) + ")"};
}

std::size_t usable_addresses(const dns::MxPlan& plan) {
  std::size_t n = 0;
  for (const dns::PlannedHost& h : plan.hosts) n += h.addresses.size();
  return n;
}

}  // namespace smtpsend::delivery::detail
