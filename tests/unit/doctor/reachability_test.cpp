// port25, tls and public-ip: every verdict of each, from probe results.
#include <gtest/gtest.h>

#include <vector>

#include "smtpsend/doctor/checks.hpp"

namespace smtpsend::doctor {
namespace {

MxProbe probe(Reach reach, int code = 0, TlsReach tls = TlsReach::not_tried,
              std::string tls_detail = {}) {
  MxProbe p;
  p.domain = "example.test";
  p.host = "mx.example.test";
  p.ip = "192.0.2.25";
  p.reach = reach;
  p.greeting_code = code;
  p.greeting_text = code ? "mx.example.test ESMTP" : "";
  p.tls = tls;
  p.tls_detail = std::move(tls_detail);
  if (reach == Reach::refused) p.detail = "connection refused";
  if (reach == Reach::timed_out) p.detail = "no answer within 5 s";
  return p;
}

struct Port25Case {
  const char* name;
  std::vector<MxProbe> probes;
  std::vector<MxLookupTrouble> troubles;
  Verdict expected;
  const char* evidence_has;
  const char* fix_has;
};

TEST(DoctorPort25, EveryVerdict) {
  const std::vector<Port25Case> cases{
      {"greeted", {probe(Reach::greeted, 220)}, {}, Verdict::pass, "answered on port 25: 220", ""},
      {"one of two greeted", {probe(Reach::refused), probe(Reach::greeted, 220)}, {},
       Verdict::pass, "answered", ""},
      {"refused", {probe(Reach::refused)}, {}, Verdict::fail, "refused the connection",
       "use --relay"},
      {"never greets", {probe(Reach::silent)}, {}, Verdict::fail, "never greeted", "use --relay"},
      {"connect timeout", {probe(Reach::timed_out)}, {}, Verdict::fail, "did not answer",
       "use --relay"},
      {"554 greeting", {probe(Reach::greeted, 554)}, {}, Verdict::warn, "greeted with 554",
       "refuse this host"},
      {"dns trouble", {probe(Reach::dns_trouble)}, {}, Verdict::unknown, "could not be looked up",
       "try again later"},
      {"mx servfail", {}, {{"example.test", dns::LookupStatus::servfail, ""}}, Verdict::unknown,
       "MX lookup of example.test", "try again later"},
      {"nxdomain", {}, {{"nowhere.test", dns::LookupStatus::nxdomain, ""}}, Verdict::warn,
       "nothing to connect to", "--to domain that receives mail"},
      {"null mx", {}, {{"nullmx.test", dns::LookupStatus::ok, ""}}, Verdict::warn, "null MX",
       "--to domain"},
  };
  for (const Port25Case& c : cases) {
    const Check check = check_port25(c.probes, c.troubles, 25);
    EXPECT_EQ(check.name, "port25");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
    EXPECT_NE(check.fix.find(c.fix_has), std::string::npos) << c.name << ": " << check.fix;
    if (c.expected == Verdict::pass) {
      EXPECT_EQ(check.fix, "") << c.name;
    }
  }
}

struct TlsCase {
  const char* name;
  MxProbe probe;
  Verdict expected;
  const char* evidence_has;
};

TEST(DoctorTls, EveryVerdict) {
  const std::vector<TlsCase> cases{
      {"verified", probe(Reach::greeted, 220, TlsReach::verified, "TLSv1.3"), Verdict::pass,
       "certificate that verifies (TLSv1.3)"},
      {"unverified", probe(Reach::greeted, 220, TlsReach::unverified, "certificate has expired"),
       Verdict::warn, "does not verify: certificate has expired"},
      {"no starttls", probe(Reach::greeted, 220, TlsReach::not_offered), Verdict::fail,
       "does not offer STARTTLS"},
      {"starttls refused", probe(Reach::greeted, 220, TlsReach::refused, "454 4.7.0 no"),
       Verdict::fail, "refused it: 454"},
      {"handshake failed", probe(Reach::greeted, 220, TlsReach::handshake_failed, "bad record"),
       Verdict::fail, "handshake failed: bad record"},
      {"ehlo failed", probe(Reach::greeted, 220, TlsReach::not_tried, "no reply"),
       Verdict::unknown, "EHLO failed"},
      {"not reached", probe(Reach::refused), Verdict::unknown, "not tested"},
      {"refused greeting", probe(Reach::greeted, 554), Verdict::unknown, "not tested"},
  };
  for (const TlsCase& c : cases) {
    const Check check = check_tls(c.probe);
    EXPECT_EQ(check.name, "tls");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find("mx.example.test[192.0.2.25]"), std::string::npos) << c.name;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
  }
}

TEST(DoctorPublicIp, ReadFromTheEhloReplysFirstLine) {
  EXPECT_EQ(ip_in_ehlo_reply(std::vector<std::string>{"mx.example Hello [192.0.2.7]", "SIZE"}),
            "192.0.2.7");
  EXPECT_EQ(ip_in_ehlo_reply(std::vector<std::string>{"mx Hello x [IPv6:2001:db8::7]"}),
            "2001:db8::7");
  EXPECT_EQ(ip_in_ehlo_reply(std::vector<std::string>{"mx.example", "X [192.0.2.7]"}),
            std::nullopt);
  EXPECT_EQ(ip_in_ehlo_reply(std::vector<std::string>{"mx [not an ip]"}), std::nullopt);
  EXPECT_EQ(ip_in_ehlo_reply(std::vector<std::string>{}), std::nullopt);
}

TEST(DoctorPublicIp, OptionThenEhloReplyThenLocalAddress) {
  MxProbe echoing = probe(Reach::greeted, 220);
  echoing.ehlo_lines = {"mx.example.test Hello client [198.51.100.9]"};
  const std::vector<MxProbe> probes{probe(Reach::refused), echoing};
  EXPECT_EQ(choose_public_ip("192.0.2.7", probes, "203.0.113.1"),
            (PublicIp{"192.0.2.7", IpSource::option, ""}));
  EXPECT_EQ(choose_public_ip(std::nullopt, probes, "203.0.113.1"),
            (PublicIp{"198.51.100.9", IpSource::ehlo_reply, "mx.example.test"}));
  EXPECT_EQ(choose_public_ip(std::nullopt, {}, "203.0.113.1"),
            (PublicIp{"203.0.113.1", IpSource::local_address, ""}));
  EXPECT_EQ(choose_public_ip(std::nullopt, {}, ""), PublicIp{});
}

TEST(DoctorPublicIp, EveryVerdict) {
  struct Case {
    PublicIp ip;
    Verdict expected;
    const char* evidence_has;
  };
  const std::vector<Case> cases{
      {{"192.0.2.7", IpSource::option, ""}, Verdict::pass, "192.0.2.7 (--public-ip)"},
      {{"192.0.2.7", IpSource::ehlo_reply, "mx.example.test"}, Verdict::pass,
       "as mx.example.test reported in its EHLO reply"},
      {{"192.0.2.7", IpSource::local_address, ""}, Verdict::pass, "a global address of this host"},
      {{}, Verdict::warn, "unknown"},
  };
  for (const Case& c : cases) {
    const Check check = check_public_ip(c.ip);
    EXPECT_EQ(check.name, "public-ip");
    EXPECT_EQ(check.verdict, c.expected);
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << check.evidence;
  }
  EXPECT_NE(check_public_ip({}).fix.find("--public-ip"), std::string::npos);
}

}  // namespace
}  // namespace smtpsend::doctor
