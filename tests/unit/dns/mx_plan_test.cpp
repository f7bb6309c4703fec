#include "smtpsend/dns/mx_plan.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <sstream>

namespace smtpsend::dns {
namespace {

RandomIndex seeded(std::mt19937& rng) {
  return [&rng](std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng);
  };
}

// Never called: for answers that involve no choice.
std::size_t no_random(std::size_t) {
  ADD_FAILURE() << "random index used";
  return 0;
}

std::vector<std::string> names(const MxPlan& plan) {
  std::vector<std::string> out;
  for (const PlannedHost& host : plan.hosts) out.push_back(host.name);
  return out;
}

MxAnswer ok_answer(std::vector<MxRecord> records, std::vector<HostAddresses> additional = {}) {
  return MxAnswer{LookupStatus::ok, std::move(records), std::move(additional)};
}

TEST(PlanFromMx, SortsByPreference) {
  const MxPlan plan = plan_from_mx(
      "example.test", ok_answer({{30, "c.test"}, {10, "a.test"}, {20, "b.test"}}), no_random);
  EXPECT_EQ(plan.kind, PlanKind::mx);
  EXPECT_EQ(plan.status, LookupStatus::ok);
  EXPECT_EQ(plan.domain, "example.test");
  EXPECT_EQ(names(plan), (std::vector<std::string>{"a.test", "b.test", "c.test"}));
  EXPECT_EQ(plan.hosts[1].preference, 20);
  EXPECT_FALSE(plan.hosts[0].addresses_known);
}

TEST(PlanFromMx, EqualPreferencesShuffledDeterministicallyPerSeed) {
  const MxAnswer answer =
      ok_answer({{10, "a.test"}, {10, "b.test"}, {5, "first.test"}, {20, "last.test"}});
  std::set<std::vector<std::string>> orders;
  for (unsigned seed = 0; seed < 64; ++seed) {
    std::mt19937 rng(seed);
    const MxPlan plan = plan_from_mx("example.test", answer, seeded(rng));
    std::mt19937 same_rng(seed);
    EXPECT_EQ(plan_from_mx("example.test", answer, seeded(same_rng)), plan) << "seed " << seed;
    ASSERT_EQ(plan.hosts.size(), 4u);
    EXPECT_EQ(plan.hosts.front().name, "first.test");
    EXPECT_EQ(plan.hosts.back().name, "last.test");
    orders.insert(names(plan));
  }
  EXPECT_EQ(orders,
            (std::set<std::vector<std::string>>{{"first.test", "a.test", "b.test", "last.test"},
                                                {"first.test", "b.test", "a.test", "last.test"}}));
}

TEST(PlanFromMx, ShuffleOfThreeReachesEveryOrder) {
  const MxAnswer answer = ok_answer({{10, "a.test"}, {10, "b.test"}, {10, "c.test"}});
  std::set<std::vector<std::string>> orders;
  for (unsigned seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    orders.insert(names(plan_from_mx("example.test", answer, seeded(rng))));
  }
  EXPECT_EQ(orders.size(), 6u);
}

TEST(PlanFromMx, ShuffleDoesNotDependOnAnswerOrder) {
  std::mt19937 first_rng(7);
  std::mt19937 second_rng(7);
  const MxPlan first =
      plan_from_mx("example.test", ok_answer({{10, "a.test"}, {10, "b.test"}, {10, "c.test"}}),
                   seeded(first_rng));
  const MxPlan second =
      plan_from_mx("example.test", ok_answer({{10, "c.test"}, {10, "a.test"}, {10, "b.test"}}),
                   seeded(second_rng));
  EXPECT_EQ(first, second);
}

TEST(PlanFromMx, NodataIsTheImplicitMx) {
  // RFC 5321 §5.1: no MX records -> the domain itself, with preference 0.
  const MxPlan plan = plan_from_mx("host.test", MxAnswer{LookupStatus::nodata, {}, {}}, no_random);
  const MxPlan expected{
      PlanKind::implicit, "host.test", LookupStatus::nodata, {{"host.test", 0, {}, false}}};
  EXPECT_EQ(plan, expected);
}

TEST(PlanFromMx, NullMxAloneIsNullMx) {
  const MxPlan plan = plan_from_mx("nomail.test", ok_answer({{0, ""}}), no_random);
  EXPECT_EQ(plan.kind, PlanKind::null_mx);
  EXPECT_TRUE(plan.hosts.empty());
}

TEST(PlanFromMx, NullMxMixedWithRealRecordsIsIgnored) {
  const MxPlan plan =
      plan_from_mx("mixed.test", ok_answer({{0, ""}, {10, "mx.mixed.test"}}), no_random);
  EXPECT_EQ(plan.kind, PlanKind::mx);
  EXPECT_EQ(names(plan), (std::vector<std::string>{"mx.mixed.test"}));
}

TEST(PlanFromMx, DuplicateHostsKeepTheirBestPreference) {
  const MxPlan plan = plan_from_mx(
      "example.test", ok_answer({{20, "a.test"}, {10, "b.test"}, {5, "a.test"}, {10, "b.test"}}),
      no_random);
  ASSERT_EQ(names(plan), (std::vector<std::string>{"a.test", "b.test"}));
  EXPECT_EQ(plan.hosts[0].preference, 5);
}

TEST(PlanFromMx, AttachesAdditionalAddresses) {
  const MxPlan plan = plan_from_mx(
      "example.test",
      ok_answer({{10, "a.test"}, {20, "b.test"}},
                {{"b.test", {"192.0.2.2", "2001:db8::2"}}, {"other.test", {"192.0.2.9"}}}),
      no_random);
  const std::vector<PlannedHost> expected = {{"a.test", 10, {}, false},
                                             {"b.test", 20, {"192.0.2.2", "2001:db8::2"}, true}};
  EXPECT_EQ(plan.hosts, expected);
}

TEST(PlanFromMx, NxdomainIsNoDomain) {
  const MxPlan plan =
      plan_from_mx("missing.test", MxAnswer{LookupStatus::nxdomain, {}, {}}, no_random);
  EXPECT_EQ(plan.kind, PlanKind::no_domain);
  EXPECT_EQ(plan.status, LookupStatus::nxdomain);
  EXPECT_TRUE(plan.hosts.empty());
}

TEST(PlanFromMx, FailuresAreTemporary) {
  for (const LookupStatus status : {LookupStatus::servfail, LookupStatus::refused,
                                    LookupStatus::timeout, LookupStatus::error}) {
    SCOPED_TRACE(to_string(status));
    const MxPlan plan = plan_from_mx("example.test", MxAnswer{status, {}, {}}, no_random);
    EXPECT_EQ(plan.kind, PlanKind::temporary);
    EXPECT_EQ(plan.status, status);
    EXPECT_TRUE(plan.hosts.empty());
  }
}

// DNS temporariness is decided once (lookup_status.cpp): the plan follows is_temporary().
TEST(PlanFromMx, TemporaryExactlyWhenTheStatusIsTemporary) {
  for (int s = 0; s <= static_cast<int>(LookupStatus::local_error); ++s) {
    const auto status = static_cast<LookupStatus>(s);
    SCOPED_TRACE(to_string(status));
    const MxAnswer answer =
        status == LookupStatus::ok ? ok_answer({{10, "a.test"}}) : MxAnswer{status, {}, {}};
    const MxPlan plan = plan_from_mx("example.test", answer, no_random);
    EXPECT_EQ(plan.kind == PlanKind::temporary, is_temporary(status));
  }
}

TEST(PlanFromLiteral, Ipv4) {
  MxPlan plan;
  ASSERT_TRUE(plan_from_literal("[192.0.2.1]", plan));
  const MxPlan expected{
      PlanKind::literal, "[192.0.2.1]", LookupStatus::ok, {{"192.0.2.1", 0, {"192.0.2.1"}, true}}};
  EXPECT_EQ(plan, expected);
}

TEST(PlanFromLiteral, Ipv6TagIsCaseInsensitiveAndAddressCanonical) {
  MxPlan plan;
  ASSERT_TRUE(plan_from_literal("[IPv6:2001:db8::1]", plan));
  EXPECT_EQ(plan.hosts, (std::vector<PlannedHost>{{"2001:db8::1", 0, {"2001:db8::1"}, true}}));
  ASSERT_TRUE(plan_from_literal("[ipv6:2001:DB8:0:0:0:0:0:1]", plan));
  EXPECT_EQ(plan.hosts.at(0).name, "2001:db8::1");
  EXPECT_EQ(plan.kind, PlanKind::literal);
}

TEST(PlanFromLiteral, RejectsWhatIsNotAnAddressLiteral) {
  for (const char* bad : {"192.0.2.1", "[192.0.2.1", "192.0.2.1]", "[]", "[192.0.2.256]",
                          "[192.0.2]", "[2001:db8::1]", "[IPv6:]", "[IPv6:192.0.2.1]",
                          "[IPv6:2001:db8::g]", "[tag:content]", "[ 192.0.2.1]", "example.test"}) {
    SCOPED_TRACE(bad);
    MxPlan plan;
    plan.domain = "unchanged";
    EXPECT_FALSE(plan_from_literal(bad, plan));
    EXPECT_EQ(plan.domain, "unchanged");
  }
}

TEST(ToAsciiDomain, AsciiIsLowerCased) {
  std::string ascii;
  ASSERT_TRUE(to_ascii_domain("Mail.Example.COM", ascii));
  EXPECT_EQ(ascii, "mail.example.com");
}

TEST(ToAsciiDomain, UnicodeBecomesALabels) {
  std::string ascii;
  ASSERT_TRUE(to_ascii_domain("bücher.example", ascii));
  EXPECT_EQ(ascii, "xn--bcher-kva.example");
  ASSERT_TRUE(to_ascii_domain("BÜCHER.Example", ascii));
  EXPECT_EQ(ascii, "xn--bcher-kva.example");
}

TEST(ToAsciiDomain, NonTransitionalKeepsSharpS) {
  // IDNA2008 (RFC 5892) keeps "ß"; IDNA2003 mapped it to "ss".
  std::string ascii;
  ASSERT_TRUE(to_ascii_domain("faß.de", ascii));
  EXPECT_EQ(ascii, "xn--fa-hia.de");
}

TEST(ToAsciiDomain, RejectsInvalidInput) {
  std::string ascii = "unchanged";
  EXPECT_FALSE(to_ascii_domain("", ascii));
  EXPECT_FALSE(to_ascii_domain("\xff\xfe.example", ascii));
  EXPECT_FALSE(to_ascii_domain(std::string_view("a\0b.example", 11), ascii));
}

TEST(MxPlan, PrintsForTestFailures) {
  MxPlan plan;
  ASSERT_TRUE(plan_from_literal("[192.0.2.1]", plan));
  std::ostringstream os;
  os << plan;
  EXPECT_EQ(os.str(), "{literal [192.0.2.1] (ok) 0:192.0.2.1[192.0.2.1]}");
  EXPECT_STREQ(to_string(PlanKind::null_mx), "null_mx");
}

}  // namespace
}  // namespace smtpsend::dns
