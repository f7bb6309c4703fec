// The verdicts of a destination that delivered nothing, and their sentences, straight from the
// functions (destination_fsm_*_test.cpp reaches the same sentences through the FSM).
#include "destination_failures.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smtpsend::delivery::detail {
namespace {

using dns::LookupStatus;
using dns::PlanKind;

dns::MxPlan plan_of(PlanKind kind, std::vector<dns::PlannedHost> hosts = {}) {
  dns::MxPlan plan;
  plan.kind = kind;
  plan.hosts = std::move(hosts);
  return plan;
}

dns::PlannedHost host(std::string name, std::vector<std::string> addresses) {
  return dns::PlannedHost{std::move(name), 10, std::move(addresses), true};
}

TEST(DestinationFailures, SkipReasonFollowsTheLookupStatus) {
  EXPECT_EQ(skip_reason(LookupStatus::ok), SkipReason::wrong_family);
  EXPECT_EQ(skip_reason(LookupStatus::nxdomain), SkipReason::no_such_host);
  EXPECT_EQ(skip_reason(LookupStatus::nodata), SkipReason::no_such_host);
  for (const LookupStatus s :
       {LookupStatus::servfail, LookupStatus::refused, LookupStatus::timeout, LookupStatus::error,
        LookupStatus::unreachable, LookupStatus::local_error}) {
    EXPECT_EQ(skip_reason(s), SkipReason::lookup_failed) << s;
  }
}

TEST(DestinationFailures, ConnectFailureKinds) {
  EXPECT_EQ(connect_failure(make_error_code(Errc::connection_refused)), ConnectFailure::refused);
  EXPECT_EQ(connect_failure(make_error_code(Errc::connect_timeout)), ConnectFailure::timed_out);
  EXPECT_EQ(connect_failure(make_error_code(Errc::network_error)), ConnectFailure::other);
}

struct PlanRow {
  PlanKind kind;
  RecipientStatus status;
  FailureCause cause;
  Errc error;
  const char* detail;
};

// RFC 7505 §3 (null MX) and NXDOMAIN fail with 68; a failed lookup defers.
TEST(DestinationFailures, PlanVerdicts) {
  const std::vector<PlanRow> rows = {
      {PlanKind::null_mx, RecipientStatus::failed, FailureCause::no_host, Errc::null_mx,
       "example.com does not accept mail (null MX, RFC 7505)"},
      {PlanKind::no_domain, RecipientStatus::failed, FailureCause::no_host, Errc::dns_nxdomain,
       "example.com does not exist (NXDOMAIN)"},
      {PlanKind::temporary, RecipientStatus::deferred, FailureCause::temporary, Errc::dns_servfail,
       "DNS lookup of example.com failed: SERVFAIL"},
  };
  for (const PlanRow& row : rows) {
    SCOPED_TRACE(to_string(row.kind));
    dns::MxPlan plan = plan_of(row.kind);
    plan.status = LookupStatus::servfail;
    const std::optional<Verdict> verdict = plan_verdict(plan, "example.com");
    ASSERT_TRUE(verdict.has_value());
    EXPECT_EQ(verdict->status, row.status);
    EXPECT_EQ(verdict->cause, row.cause);
    EXPECT_EQ(verdict->error, row.error);
    EXPECT_EQ(verdict->detail, row.detail);
  }
  for (const PlanKind kind : {PlanKind::mx, PlanKind::implicit, PlanKind::literal}) {
    EXPECT_FALSE(plan_verdict(plan_of(kind), "example.com").has_value()) << to_string(kind);
  }
}

TEST(DestinationFailures, AFailedLookupThatReachedNoServerSaysWhy) {
  dns::MxPlan plan = plan_of(PlanKind::temporary);
  plan.status = LookupStatus::local_error;
  plan.failure = "out of file descriptors";
  const std::optional<Verdict> verdict = plan_verdict(plan, "example.com");
  ASSERT_TRUE(verdict.has_value());
  EXPECT_EQ(verdict->error, Errc::dns_error);
  EXPECT_EQ(verdict->detail, "DNS lookup of example.com failed: out of file descriptors");
}

TEST(DestinationFailures, EveryAddressRefused) {
  const dns::MxPlan plan =
      plan_of(PlanKind::mx, {host("mx1.example.com", {"192.0.2.1"}),
                             host("mx2.example.com", {"192.0.2.2"}), host("mx3.example.com", {})});
  const std::vector<ConnectFailure> failures{ConnectFailure::refused, ConnectFailure::refused};
  const std::vector<SkippedHost> skipped{
      {"mx3.example.com", SkipReason::no_such_host, LookupStatus::nxdomain, ""}};
  const Attempts attempts{.domain = "example.com",
                          .plan = plan,
                          .skipped = skipped,
                          .connect_failures = failures,
                          .hosts_tried = 2,
                          .addresses_tried = 2};
  const Verdict verdict = connections_verdict(attempts);
  EXPECT_EQ(verdict.status, RecipientStatus::deferred);
  EXPECT_EQ(verdict.error, Errc::connection_refused);
  EXPECT_EQ(verdict.detail,
            "connection refused by all 2 addresses of 2 MX hosts of example.com (no usable "
            "address for mx3.example.com)");
}

TEST(DestinationFailures, MixedConnectFailuresAreANetworkError) {
  const dns::MxPlan plan = plan_of(PlanKind::implicit, {host("example.com", {"192.0.2.1"})});
  const std::vector<ConnectFailure> failures{ConnectFailure::timed_out};
  const Attempts attempts{.domain = "example.com",
                          .plan = plan,
                          .connect_failures = failures,
                          .last_connect_detail = "no answer within 30 s",
                          .hosts_tried = 1,
                          .addresses_tried = 1};
  EXPECT_EQ(connections_verdict(attempts).error, Errc::connect_timeout);
  EXPECT_EQ(connections_verdict(attempts).detail,
            "no answer within 30 s from the 1 address of example.com (no MX, using its address "
            "records)");
  const std::vector<ConnectFailure> mixed{ConnectFailure::timed_out, ConnectFailure::other};
  const Attempts both{.domain = "example.com", .plan = plan, .connect_failures = mixed};
  EXPECT_EQ(connections_verdict(both).error, Errc::network_error);
}

struct NoAddressRow {
  const char* name;
  bool relaying;
  PlanKind kind;
  std::vector<SkippedHost> skipped;
  RecipientStatus status;
  FailureCause cause;
  const char* detail;
};

// RFC 5321 §5.1: no address at all; a failed lookup defers, everything else fails.
TEST(DestinationFailures, NoAddressVerdicts) {
  const std::vector<NoAddressRow> rows = {
      {"implicit, nothing",
       false,
       PlanKind::implicit,
       {{"example.com", SkipReason::no_such_host, LookupStatus::nodata, ""}},
       RecipientStatus::failed,
       FailureCause::no_host,
       "example.com has neither MX nor address records"},
      {"mx, lookup failed",
       false,
       PlanKind::mx,
       {{"mx1.example.com", SkipReason::lookup_failed, LookupStatus::timeout, ""}},
       RecipientStatus::deferred,
       FailureCause::temporary,
       "DNS lookup of mx1.example.com failed: timed out"},
      {"mx, wrong family",
       false,
       PlanKind::mx,
       {{"mx1.example.com", SkipReason::wrong_family, LookupStatus::ok, ""}},
       RecipientStatus::failed,
       FailureCause::permanent,
       "example.com has no IPv6 (-6) address"},
      {"mx, no such hosts",
       false,
       PlanKind::mx,
       {{"mx1.example.com", SkipReason::no_such_host, LookupStatus::nxdomain, ""},
        {"mx2.example.com", SkipReason::no_such_host, LookupStatus::nxdomain, ""}},
       RecipientStatus::failed,
       FailureCause::no_host,
       "no MX host of example.com has an address record (mx1.example.com, mx2.example.com)"},
      {"relay, no such host",
       true,
       PlanKind::implicit,
       {{"example.com", SkipReason::no_such_host, LookupStatus::nxdomain, ""}},
       RecipientStatus::failed,
       FailureCause::no_host,
       "relay host example.com has no address record"},
      {"relay, lookup failed",
       true,
       PlanKind::implicit,
       {{"example.com", SkipReason::lookup_failed, LookupStatus::servfail, ""}},
       RecipientStatus::deferred,
       FailureCause::temporary,
       "DNS lookup of relay host example.com failed: SERVFAIL"},
  };
  for (const NoAddressRow& row : rows) {
    SCOPED_TRACE(row.name);
    const dns::MxPlan plan = plan_of(row.kind);
    const Attempts attempts{.domain = "example.com",
                            .relaying = row.relaying,
                            .family = dns::AddressFamily::ipv6,
                            .plan = plan,
                            .skipped = row.skipped};
    const Verdict verdict = no_address_verdict(attempts);
    EXPECT_EQ(verdict.status, row.status);
    EXPECT_EQ(verdict.cause, row.cause);
    EXPECT_EQ(verdict.detail, row.detail);
  }
}

TEST(DestinationFailures, InvalidNames) {
  EXPECT_EQ(invalid_literal("[1.2.3]").detail, "[1.2.3] is not a valid address literal");
  EXPECT_EQ(invalid_literal("[1.2.3]").cause, FailureCause::message);
  EXPECT_EQ(invalid_domain("a..b").detail, "a..b is not a valid domain name (IDNA2008)");
  EXPECT_EQ(invalid_relay_host("a..b").cause, FailureCause::no_host);
  EXPECT_EQ(no_result("example.com").detail, "delivery to example.com ended without a result");
  EXPECT_EQ(usable_addresses(plan_of(
                PlanKind::mx, {host("a", {"192.0.2.1", "192.0.2.2"}), host("b", {"192.0.2.3"})})),
            3u);
}

}  // namespace
}  // namespace smtpsend::delivery::detail
