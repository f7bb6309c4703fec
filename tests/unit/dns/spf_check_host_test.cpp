// dns/spf check_host() (RFC 7208 §4) on a fake Dns: the limits, the error results, and the
// choices RFC 7208 leaves open (docs/decisions.md "SPF evaluator"). The whole RFC 7208 test
// suite runs as its own ctest (tests/spf/).
#include "smtpsend/dns/spf.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>
#include <vector>

namespace smtpsend::dns::spf {
namespace {

using Status = QueryAnswer::Status;

class FakeDns final : public Dns {
 public:
  FakeDns& add(QueryType type, const std::string& name, std::vector<std::string> records) {
    answers_[{type, name}] = QueryAnswer{Status::ok, std::move(records)};
    names_.insert(name);
    return *this;
  }
  FakeDns& fail(QueryType type, const std::string& name) {
    answers_[{type, name}] = QueryAnswer{Status::temporary, {}};
    names_.insert(name);
    return *this;
  }
  FakeDns& txt(const std::string& name, std::string record) {
    return add(QueryType::txt, name, {std::move(record)});
  }

  QueryAnswer query(QueryType type, std::string_view name) override {
    asked.emplace_back(type, std::string(name));
    auto it = answers_.find({type, std::string(name)});
    if (it != answers_.end()) return it->second;
    return QueryAnswer{names_.count(std::string(name)) ? Status::ok : Status::nxdomain, {}};
  }

  std::vector<std::pair<QueryType, std::string>> asked;

 private:
  std::map<std::pair<QueryType, std::string>, QueryAnswer> answers_;
  std::set<std::string> names_;
};

Verdict check(FakeDns& dns, std::string_view ip = "192.0.2.10",
              std::string_view domain = "example.com") {
  return check_host(dns, ip, domain, std::string("user@") + std::string(domain),
                    "mail.example.org");
}

TEST(SpfCheckHost, ResultNamesAreThoseOfRfc7208) {
  EXPECT_EQ(result_name(Result::none), "none");
  EXPECT_EQ(result_name(Result::neutral), "neutral");
  EXPECT_EQ(result_name(Result::pass), "pass");
  EXPECT_EQ(result_name(Result::fail), "fail");
  EXPECT_EQ(result_name(Result::softfail), "softfail");
  EXPECT_EQ(result_name(Result::temperror), "temperror");
  EXPECT_EQ(result_name(Result::permerror), "permerror");
}

TEST(SpfCheckHost, MatchingMechanismDecidesAndIsNamed) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 ip4:192.0.2.0/24 -all");
  Verdict v = check(dns);
  EXPECT_EQ(v.result, Result::pass);
  EXPECT_NE(v.detail.find("ip4:192.0.2.0/24"), std::string::npos) << v.detail;
  EXPECT_EQ(check(dns, "198.51.100.1").result, Result::fail);
  EXPECT_EQ(v.dns_lookups, 0u);
}

TEST(SpfCheckHost, Ipv4MappedClientIsIpv4) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 ip6:::ffff:192.0.2.10 ip4:192.0.2.10 -all");
  Verdict v = check(dns, "::ffff:192.0.2.10");
  EXPECT_EQ(v.result, Result::pass);
  EXPECT_NE(v.detail.find("'ip4:"), std::string::npos) << v.detail;
}

TEST(SpfCheckHost, NoneForMalformedOrMissingDomains) {
  FakeDns dns;
  EXPECT_EQ(check(dns, "192.0.2.10", "localhost").result, Result::none);
  EXPECT_EQ(check(dns, "192.0.2.10", "[192.0.2.10]").result, Result::none);
  EXPECT_EQ(check(dns, "192.0.2.10", "a..example.com").result, Result::none);
  EXPECT_EQ(check(dns, "192.0.2.10", std::string(64, 'a') + ".example.com").result, Result::none);
  EXPECT_EQ(check(dns, "192.0.2.10", "192.0.2.10").result, Result::none);
  EXPECT_TRUE(dns.asked.empty());  // §4.3: no DNS question for a malformed domain
  EXPECT_EQ(check(dns, "192.0.2.10", "nowhere.example").result, Result::none);
  dns.txt("example.com", "some other text");
  EXPECT_EQ(check(dns).result, Result::none);
}

TEST(SpfCheckHost, InvalidClientAddressIsAPermerror) {
  FakeDns dns;
  Verdict v = check(dns, "192.0.2.300");
  EXPECT_EQ(v.result, Result::permerror);
  EXPECT_NE(v.detail.find("not an IP address"), std::string::npos);
}

TEST(SpfCheckHost, DetailIsOnePrintableLine) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 a:x.example.com\r\nInjected: yes \x96" "all");
  Verdict v = check(dns);
  EXPECT_EQ(v.result, Result::permerror);
  EXPECT_EQ(v.detail.find_first_of("\r\n\x96"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("\\x0d\\x0aInjected"), std::string::npos) << v.detail;
}

TEST(SpfCheckHost, TwoSpfRecordsAreAPermerror) {
  FakeDns dns;
  dns.add(QueryType::txt, "example.com", {"v=spf1 -all", "V=SPF1 +all", "v=spf10 +all"});
  EXPECT_EQ(check(dns).result, Result::permerror);
}

TEST(SpfCheckHost, TemporaryDnsFailuresAreTemperrors) {
  FakeDns dns;
  dns.fail(QueryType::txt, "example.com");
  EXPECT_EQ(check(dns).result, Result::temperror);

  FakeDns a;
  a.txt("example.com", "v=spf1 a -all").fail(QueryType::a, "example.com");
  EXPECT_EQ(check(a).result, Result::temperror);

  FakeDns mx;  // §5: an MX host's address lookup too
  mx.txt("example.com", "v=spf1 mx -all")
      .add(QueryType::mx, "example.com", {"mx.example.com"})
      .fail(QueryType::a, "mx.example.com");
  EXPECT_EQ(check(mx).result, Result::temperror);
}

TEST(SpfCheckHost, TenDnsTermsAreAllowedTheEleventhIsAPermerror) {
  FakeDns dns;
  dns.add(QueryType::a, "example.com", {"198.51.100.1"});
  dns.txt("example.com", "v=spf1 a a a a a a a a a a ip4:192.0.2.10 -all");
  Verdict at_limit = check(dns);
  EXPECT_EQ(at_limit.result, Result::pass);
  EXPECT_EQ(at_limit.dns_lookups, 10u);
  dns.txt("example.com", "v=spf1 a a a a a a a a a a a ip4:192.0.2.10 -all");
  Verdict over = check(dns);
  EXPECT_EQ(over.result, Result::permerror);
  EXPECT_NE(over.detail.find("10"), std::string::npos);
}

TEST(SpfCheckHost, IncludeAndRedirectCountAndLoopsEndAtTheLimit) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 include:example.net -all");
  dns.txt("example.net", "v=spf1 include:example.com");
  EXPECT_EQ(check(dns).result, Result::permerror);
  FakeDns redirect;
  redirect.txt("example.com", "v=spf1 redirect=example.com");
  EXPECT_EQ(check(redirect).result, Result::permerror);
}

TEST(SpfCheckHost, ThirdVoidLookupIsAPermerror) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 a:nx1.example.com exists:nx2.example.com ?all");
  Verdict two = check(dns);
  EXPECT_EQ(two.result, Result::neutral);
  EXPECT_EQ(two.void_lookups, 2u);
  dns.txt("example.com", "v=spf1 a:nx1.example.com exists:nx2.example.com mx:nx3.example.com ?all");
  EXPECT_EQ(check(dns).result, Result::permerror);
}

TEST(SpfCheckHost, VoidLookupsCountTermsNotTheAddressLookupsOfMxHosts) {
  // An IPv6 client and three IPv4-only MX hosts: three empty AAAA answers, one term (the MX
  // query was answered). Counting each would make every such domain a permerror over IPv6.
  FakeDns dns;
  dns.txt("example.com", "v=spf1 mx ip6:2001:db8::10 -all")
      .add(QueryType::mx, "example.com", {"mx1.example.com", "mx2.example.com", "mx3.example.com"});
  for (const char* host : {"mx1.example.com", "mx2.example.com", "mx3.example.com"})
    dns.add(QueryType::a, host, {"192.0.2.1"});
  Verdict v = check(dns, "2001:db8::10");
  EXPECT_EQ(v.result, Result::pass);
  EXPECT_EQ(v.void_lookups, 0u);
}

TEST(SpfCheckHost, MoreThanTenMxNamesIsAPermerror) {
  FakeDns dns;
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("mx" + std::to_string(i) + ".example.com");
  dns.txt("example.com", "v=spf1 mx -all").add(QueryType::mx, "example.com", names);
  dns.add(QueryType::a, "mx9.example.com", {"192.0.2.10"});
  EXPECT_EQ(check(dns).result, Result::pass);
  names.push_back("mx10.example.com");
  dns.add(QueryType::mx, "example.com", names);
  EXPECT_EQ(check(dns).result, Result::permerror);
}

TEST(SpfCheckHost, NullMxAndNoImplicitMx) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 mx ?all")
      .add(QueryType::mx, "example.com", {"."})
      .add(QueryType::a, "example.com", {"192.0.2.10"});
  EXPECT_EQ(check(dns).result, Result::neutral);
}

TEST(SpfCheckHost, PtrValidatesNamesAndIgnoresAllButTheFirstTen) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 ptr -all");
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("h" + std::to_string(i) + ".example.net");
  names.push_back("mail.example.com");  // the eleventh
  dns.add(QueryType::ptr, "10.2.0.192.in-addr.arpa", names);
  dns.add(QueryType::a, "mail.example.com", {"192.0.2.10"});
  EXPECT_EQ(check(dns).result, Result::fail);
  names.erase(names.begin());
  dns.add(QueryType::ptr, "10.2.0.192.in-addr.arpa", names);
  EXPECT_EQ(check(dns).result, Result::pass);
  // Not validated: the name's addresses do not include the client.
  dns.add(QueryType::a, "mail.example.com", {"192.0.2.11"});
  EXPECT_EQ(check(dns).result, Result::fail);
}

TEST(SpfCheckHost, PtrLookupFailureDoesNotMatchAndFailedNamesAreSkipped) {
  // §5.5: "If a DNS error occurs while doing the PTR RR lookup, then this mechanism fails to
  // match"; a failed address lookup skips that name.
  FakeDns dns;
  dns.txt("example.com", "v=spf1 ptr ?all").fail(QueryType::ptr, "10.2.0.192.in-addr.arpa");
  EXPECT_EQ(check(dns).result, Result::neutral);
  FakeDns skip;
  skip.txt("example.com", "v=spf1 ptr -all")
      .add(QueryType::ptr, "10.2.0.192.in-addr.arpa", {"bad.example.com", "MAIL.Example.com."})
      .fail(QueryType::a, "bad.example.com")
      .add(QueryType::a, "mail.example.com", {"192.0.2.10"});
  EXPECT_EQ(check(skip).result, Result::pass);
}

TEST(SpfCheckHost, Ipv6PtrName) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 ptr:example.com -all")
      .add(QueryType::ptr,
           "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6.arpa",
           {"mail.example.com"})
      .add(QueryType::aaaa, "mail.example.com", {"2001:db8::1"});
  EXPECT_EQ(check(dns, "2001:DB8::1").result, Result::pass);
}

TEST(SpfCheckHost, PMacroPrefersTheDomainThenASubdomain) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 exists:%{p}.ok.example.org -all")
      .add(QueryType::ptr, "10.2.0.192.in-addr.arpa",
           {"other.example.net", "mx.example.com", "unvalidated.example.com"})
      .add(QueryType::a, "other.example.net", {"192.0.2.10"})
      .add(QueryType::a, "mx.example.com", {"192.0.2.10"})
      .add(QueryType::a, "unvalidated.example.com", {"192.0.2.99"})
      .add(QueryType::a, "mx.example.com.ok.example.org", {"127.0.0.2"});
  Verdict v = check(dns);
  EXPECT_EQ(v.result, Result::pass);
  EXPECT_EQ(v.dns_lookups, 1u);  // %{p}'s lookups are not counted: the exists term is
}

TEST(SpfCheckHost, ExplanationOfTheDecidingRecord) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 exp=why.example.com include:inc.example.com redirect=example.net");
  dns.txt("inc.example.com", "v=spf1 -all exp=inc-why.example.com");
  dns.txt("example.net", "v=spf1 -all exp=why.%{d}");
  dns.txt("why.example.com", "not this one");
  dns.txt("inc-why.example.com", "nor this one");
  dns.txt("why.example.net", "%{i} may not send for %{o} (%{d}, %{c}, %{r}, %{L})");
  Verdict v = check_host(dns, "192.0.2.10", "example.com", "a b@example.com", "h.example.org",
                         Options{"mx.receiver.example", 0});
  EXPECT_EQ(v.result, Result::fail);
  EXPECT_EQ(v.explanation,
            "192.0.2.10 may not send for example.com (example.net, 192.0.2.10, "
            "mx.receiver.example, a%20b)");
}

TEST(SpfCheckHost, BrokenExplanationsAreIgnored) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 -all exp=why.example.com");
  EXPECT_EQ(check(dns).explanation, "");  // NXDOMAIN: not counted as a void lookup either
  EXPECT_EQ(check(dns).void_lookups, 0u);
  dns.add(QueryType::txt, "why.example.com", {"one", "two"});
  EXPECT_EQ(check(dns).explanation, "");
  dns.txt("why.example.com", "bad %{x}");
  EXPECT_EQ(check(dns).explanation, "");
  dns.txt("why.example.com", "caf\xc3\xa9");
  EXPECT_EQ(check(dns).explanation, "");
  dns.fail(QueryType::txt, "why.example.com");
  Verdict v = check(dns);
  EXPECT_EQ(v.result, Result::fail);
  EXPECT_EQ(v.explanation, "");
  dns.txt("why.example.com", "Go away.");
  EXPECT_EQ(check(dns).explanation, "Go away.");
  dns.txt("example.com", "v=spf1 ~all exp=why.example.com");
  EXPECT_EQ(check(dns).explanation, "");  // softfail: no explanation (§6.2)
}

TEST(SpfCheckHost, IncludeOfNoneAndRedirectToNoneArePermerrors) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 include:nothing.example.com -all");
  EXPECT_EQ(check(dns).result, Result::permerror);
  dns.txt("example.com", "v=spf1 redirect=nothing.example.com");
  EXPECT_EQ(check(dns).result, Result::permerror);
  dns.txt("example.com", "v=spf1 include:inc.example.com -all");
  dns.fail(QueryType::txt, "inc.example.com");
  EXPECT_EQ(check(dns).result, Result::temperror);
}

TEST(SpfCheckHost, UnqueryableTargetNamesDoNotMatch) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 a:mail.example...com -all");
  EXPECT_EQ(check(dns).result, Result::fail);
  for (const auto& [type, name] : dns.asked) EXPECT_NE(name, "mail.example...com");
}

TEST(SpfCheckHost, LongExpansionsLoseLabelsOnTheLeft) {
  // §7.3: cut to 253 octets by removing whole labels from the left.
  FakeDns dns;
  std::string local(60, 'l');
  dns.txt("example.com", "v=spf1 exists:%{l}.%{l}.%{l}.%{l}.%{l}.x.example.org -all");
  std::string kept = local + "." + local + "." + local + ".x.example.org";
  ASSERT_LE(kept.size(), 253u);
  dns.add(QueryType::a, kept, {"127.0.0.2"});
  Verdict v = check_host(dns, "192.0.2.10", "example.com", local + "@example.com", "h.example");
  EXPECT_EQ(v.result, Result::pass) << v.detail;
}

TEST(SpfCheckHost, MacroExpansionIsBounded) {
  FakeDns dns;
  std::string record = "v=spf1 exists:";
  for (int i = 0; i < 200; ++i) record += "%{s}";
  dns.txt("example.com", record + ".example.org -all");
  Verdict v = check_host(dns, "192.0.2.10", "example.com", std::string(60, 'l') + "@example.com",
                         "h.example");
  EXPECT_EQ(v.result, Result::permerror);
  EXPECT_NE(v.detail.find("4096"), std::string::npos);
}

TEST(SpfCheckHost, EmptyLocalPartIsPostmaster) {
  FakeDns dns;
  dns.txt("example.com", "v=spf1 exists:%{l}.%{s}.x.example.org -all")
      .add(QueryType::a, "postmaster.postmaster@example.com.x.example.org", {"127.0.0.2"});
  EXPECT_EQ(check_host(dns, "192.0.2.10", "example.com", "@example.com", "h.example").result,
            Result::pass);
}

}  // namespace
}  // namespace smtpsend::dns::spf
