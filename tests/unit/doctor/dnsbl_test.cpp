// dnsbl: listed, query errors (127.255.255.x: UNKNOWN, never listed), clean.
#include <gtest/gtest.h>

#include <vector>

#include "smtpsend/doctor/checks.hpp"

namespace smtpsend::doctor {
namespace {

using dns::AddressAnswer;
using dns::LookupStatus;

BlocklistLookup zen(LookupStatus status, std::vector<std::string> addresses = {}) {
  return {"192.0.2.7", "zen.spamhaus.org", AddressAnswer{status, std::move(addresses)}};
}
BlocklistLookup dbl(LookupStatus status, std::vector<std::string> addresses = {}) {
  return {"example.test", "dbl.spamhaus.org", AddressAnswer{status, std::move(addresses)}};
}

struct Case {
  const char* name;
  std::vector<BlocklistLookup> lookups;
  Verdict expected;
  const char* evidence_has;
};

TEST(DoctorDnsbl, EveryVerdict) {
  const std::vector<Case> cases{
      {"clean", {zen(LookupStatus::nxdomain), dbl(LookupStatus::nxdomain)}, Verdict::pass,
       "192.0.2.7 is not listed in zen.spamhaus.org; example.test is not listed in dbl"},
      {"SBL", {zen(LookupStatus::ok, {"127.0.0.2"})}, Verdict::fail,
       "192.0.2.7 is listed in zen.spamhaus.org (127.0.0.2)"},
      {"PBL", {zen(LookupStatus::ok, {"127.0.0.11"})}, Verdict::fail, "(127.0.0.11)"},
      {"DBL", {zen(LookupStatus::nxdomain), dbl(LookupStatus::ok, {"127.0.1.2"})}, Verdict::fail,
       "example.test is listed in dbl.spamhaus.org"},
      {"public resolver", {zen(LookupStatus::ok, {"127.255.255.254"})}, Verdict::unknown,
       "a query error: the query came through a public or open resolver"},
      {"rate limit", {dbl(LookupStatus::ok, {"127.255.255.255"})}, Verdict::unknown,
       "too many queries"},
      {"typo", {zen(LookupStatus::ok, {"127.255.255.252"})}, Verdict::unknown, "typing error"},
      {"unexpected code", {zen(LookupStatus::ok, {"127.0.0.1"})}, Verdict::unknown,
       "not a listing code"},
      {"zen code from dbl", {dbl(LookupStatus::ok, {"127.0.0.2"})}, Verdict::unknown,
       "not a listing code"},
      {"servfail", {zen(LookupStatus::servfail)}, Verdict::unknown, "failed"},
      {"listed beats error", {zen(LookupStatus::ok, {"127.0.0.4"}), dbl(LookupStatus::timeout)},
       Verdict::fail, "listed"},
  };
  for (const Case& c : cases) {
    const Check check = check_dnsbl(c.lookups);
    EXPECT_EQ(check.name, "dnsbl");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
    EXPECT_EQ(check.evidence.find("listed in") != std::string::npos &&
                  check.evidence.find("not listed") == std::string::npos,
              c.expected == Verdict::fail)
        << c.name << ": a query error is never 'listed'";
  }
}

}  // namespace
}  // namespace smtpsend::doctor
