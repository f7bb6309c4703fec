// ptr and helo: every verdict of each.
#include <gtest/gtest.h>

#include <vector>

#include "smtpsend/doctor/checks.hpp"

namespace smtpsend::doctor {
namespace {

using dns::LookupStatus;

constexpr const char* kIp = "192.0.2.7";

PtrFacts ptr(LookupStatus status, std::vector<std::string> names,
             std::vector<ForwardLookup> forward = {}) {
  return PtrFacts{dns::NameAnswer{status, std::move(names)}, std::move(forward)};
}

ForwardLookup forward(std::string name, LookupStatus status, std::vector<std::string> addresses) {
  return ForwardLookup{std::move(name), dns::AddressAnswer{status, std::move(addresses)}};
}

struct PtrCase {
  const char* name;
  PtrFacts facts;
  std::string helo;
  Verdict expected;
  const char* evidence_has;
  const char* fix_has;
};

TEST(DoctorPtr, EveryVerdict) {
  const auto confirmed = forward("mail.example.test", LookupStatus::ok, {"198.51.100.1", kIp});
  const std::vector<PtrCase> cases{
      {"forward-confirmed and equal to EHLO",
       ptr(LookupStatus::ok, {"mail.example.test"}, {confirmed}), "Mail.Example.Test.",
       Verdict::pass, "has PTR mail.example.test, whose A record is 192.0.2.7", ""},
      {"no PTR (NXDOMAIN)", ptr(LookupStatus::nxdomain, {}), "mail.example.test", Verdict::fail,
       "has no PTR record", "set its PTR record to mail.example.test"},
      {"no PTR (NODATA)", ptr(LookupStatus::nodata, {}), "mail.example.test", Verdict::fail,
       "has no PTR record", "PTR"},
      {"PTR lookup SERVFAIL", ptr(LookupStatus::servfail, {}), "mail.example.test",
       Verdict::unknown, "PTR lookup of 192.0.2.7 failed", "try again later"},
      {"PTR not forward-confirmed",
       ptr(LookupStatus::ok, {"mail.example.test"},
           {forward("mail.example.test", LookupStatus::ok, {"198.51.100.1"})}),
       "mail.example.test", Verdict::fail, "not forward-confirmed",
       "give mail.example.test the A record 192.0.2.7"},
      {"PTR name has no A record",
       ptr(LookupStatus::ok, {"mail.example.test"},
           {forward("mail.example.test", LookupStatus::nxdomain, {})}),
       "mail.example.test", Verdict::fail, "not forward-confirmed", "A record"},
      {"forward lookup temporary",
       ptr(LookupStatus::ok, {"mail.example.test"},
           {forward("mail.example.test", LookupStatus::timeout, {})}),
       "mail.example.test", Verdict::unknown, "lookup failed", "try again later"},
      {"confirmed but not the EHLO name",
       ptr(LookupStatus::ok, {"mail.example.test"}, {confirmed}), "client.test", Verdict::fail,
       "not the EHLO name client.test", "use --helo mail.example.test"},
      {"second PTR name matches",
       ptr(LookupStatus::ok, {"other.example.test", "mail.example.test"},
           {forward("other.example.test", LookupStatus::ok, {kIp}), confirmed}),
       "mail.example.test", Verdict::pass, "equal to the EHLO name", ""},
  };
  for (const PtrCase& c : cases) {
    const Check check = check_ptr(kIp, c.helo, c.facts);
    EXPECT_EQ(check.name, "ptr");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
    EXPECT_NE(check.fix.find(c.fix_has), std::string::npos) << c.name << ": " << check.fix;
  }
}

TEST(DoctorPtr, Ipv6SaysAaaa) {
  const Check check = check_ptr("2001:db8::7", "mail.example.test", ptr(LookupStatus::nxdomain, {}));
  EXPECT_NE(check.fix.find("AAAA record 2001:db8::7"), std::string::npos) << check.fix;
}

TEST(DoctorHelo, EveryVerdict) {
  struct Case {
    const char* helo;
    Verdict expected;
    const char* evidence_has;
  };
  const std::vector<Case> cases{
      {"mail.example.com", Verdict::pass, "is a fully qualified domain name"},
      {"Mail.Example.COM.", Verdict::pass, "mail.example.com"},
      {"mail", Verdict::fail, "not fully qualified"},
      {"", Verdict::fail, "empty"},
      {"[192.0.2.7]", Verdict::fail, "is an address"},
      {"192.0.2.7", Verdict::fail, "is an address"},
      {"2001:db8::1", Verdict::fail, "is an address"},
      {"bad_name.example.com", Verdict::fail, "not a valid domain name"},
      {"-bad.example.com", Verdict::fail, "not a valid domain name"},
      {"a..example.com", Verdict::fail, "not a valid domain name"},
      {"localhost.localdomain", Verdict::fail, "local-only"},
      {"host.local", Verdict::fail, "local-only"},
      {"app.localhost", Verdict::fail, "local-only"},
  };
  for (const Case& c : cases) {
    const Check check = check_helo(c.helo);
    EXPECT_EQ(check.name, "helo");
    EXPECT_EQ(check.verdict, c.expected) << c.helo << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.helo << ": " << check.evidence;
    EXPECT_EQ(check.fix.empty(), c.expected == Verdict::pass) << c.helo;
  }
}

}  // namespace
}  // namespace smtpsend::doctor
