// spf, spf-helo, dkim and dmarc: every verdict of each.
#include <gtest/gtest.h>

#include <vector>

#include "smtpsend/doctor/checks.hpp"

namespace smtpsend::doctor {
namespace {

using dns::LookupStatus;
using dns::TxtAnswer;

struct SpfCase {
  SpfResult result;
  Verdict expected;
  const char* fix_has;
};

TEST(DoctorSpf, EveryResult) {
  const std::vector<SpfCase> cases{
      {SpfResult::pass, Verdict::pass, ""},
      {SpfResult::fail, Verdict::fail, "add ip4:192.0.2.7 to the SPF record of example.test"},
      {SpfResult::softfail, Verdict::fail, "add ip4:192.0.2.7"},
      {SpfResult::neutral, Verdict::warn, "add ip4:192.0.2.7"},
      {SpfResult::none, Verdict::warn, "publish TXT \"v=spf1 ip4:192.0.2.7 -all\" at example.test"},
      {SpfResult::permerror, Verdict::fail, "repair the SPF record of example.test"},
      {SpfResult::temperror, Verdict::unknown, "try again later"},
  };
  for (const SpfCase& c : cases) {
    const Check check =
        check_spf("spf", "example.test", "192.0.2.7", SpfFacts{c.result, "matched -all", ""});
    EXPECT_EQ(check.name, "spf");
    EXPECT_EQ(check.verdict, c.expected) << check.evidence;
    EXPECT_NE(check.evidence.find("check_host(192.0.2.7, example.test) = "), std::string::npos);
    EXPECT_NE(check.fix.find(c.fix_has), std::string::npos) << check.fix;
    if (c.expected == Verdict::pass) {
      EXPECT_EQ(check.fix, "");
    }
  }
}

TEST(DoctorSpf, HeloNameAndIpv6AndExplanation) {
  const Check check = check_spf("spf-helo", "mail.example.test", "2001:db8::7",
                                SpfFacts{SpfResult::fail, "matched -all", "not ours"});
  EXPECT_EQ(check.name, "spf-helo");
  EXPECT_NE(check.evidence.find("fail: matched -all (not ours)"), std::string::npos)
      << check.evidence;
  EXPECT_NE(check.fix.find("add ip6:2001:db8::7 to the SPF record of mail.example.test"),
            std::string::npos);
}

constexpr const char* kKey = "MCowBQYDK2VwAyEAabc=";

TxtAnswer txt(std::vector<std::string> records) {
  return TxtAnswer{records.empty() ? LookupStatus::nodata : LookupStatus::ok, std::move(records)};
}

struct DkimCase {
  const char* name;
  TxtAnswer answer;
  Verdict expected;
  const char* evidence_has;
};

TEST(DoctorDkim, EveryVerdict) {
  const std::vector<DkimCase> cases{
      {"match", txt({"v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEAabc="}), Verdict::pass, "matches"},
      {"match with folding whitespace", txt({"v=DKIM1; k=ed25519;\r\n p=MCowBQYD K2VwAyEAabc="}),
       Verdict::pass, "matches"},
      {"mismatch", txt({"v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEAxyz="}), Verdict::fail,
       "is not the public half"},
      {"wrong k=", txt({"v=DKIM1; k=rsa; p=MCowBQYDK2VwAyEAabc="}), Verdict::fail, "has k=rsa"},
      {"k= defaults to rsa", txt({"v=DKIM1; p=MCowBQYDK2VwAyEAabc="}), Verdict::fail, "k=rsa"},
      {"revoked", txt({"v=DKIM1; k=ed25519; p="}), Verdict::fail, "revoked"},
      {"no record", txt({}), Verdict::fail, "no DKIM key record at s1._domainkey.example.test"},
      {"nxdomain", TxtAnswer{LookupStatus::nxdomain, {}}, Verdict::fail, "no DKIM key record"},
      {"other TXT only", txt({"hello"}), Verdict::fail, "no DKIM key record"},
      {"two keys", txt({"v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEAabc=", "v=DKIM1; p=other"}),
       Verdict::fail, "2 key records"},
      {"timeout", TxtAnswer{LookupStatus::timeout, {}}, Verdict::unknown, "failed"},
  };
  for (const DkimCase& c : cases) {
    const Check check = check_dkim("s1", "example.test", kKey, "ed25519", c.answer);
    EXPECT_EQ(check.name, "dkim");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
    if (c.expected == Verdict::fail) {
      EXPECT_NE(check.fix.find("p=MCowBQYDK2VwAyEAabc=\" at s1._domainkey.example.test"),
                std::string::npos)
          << c.name << ": " << check.fix;
    }
  }
}

TEST(DoctorDkim, PublicKeyTag) {
  EXPECT_EQ(dkim_public_key("v=DKIM1; p=ab cd;"), "abcd");
  EXPECT_EQ(dkim_public_key("v=DKIM1; p="), "");
  EXPECT_EQ(dkim_public_key("v=DKIM1; k=rsa"), std::nullopt);
}

struct DmarcCase {
  const char* name;
  TxtAnswer at_domain;
  std::optional<TxtAnswer> at_org;
  Verdict spf;
  std::optional<Verdict> dkim;
  Verdict expected;
  const char* evidence_has;
};

TEST(DoctorDmarc, EveryVerdict) {
  const TxtAnswer none = TxtAnswer{LookupStatus::nxdomain, {}};
  const TxtAnswer reject = txt({"v=DMARC1; p=reject"});
  const std::vector<DmarcCase> cases{
      {"record, SPF aligns", reject, std::nullopt, Verdict::pass, std::nullopt, Verdict::pass,
       "_dmarc.mail.example.test (p=reject): SPF align"},
      {"record, DKIM aligns", reject, std::nullopt, Verdict::fail, Verdict::pass, Verdict::pass,
       "DKIM align"},
      {"record at the organisational domain", none, reject, Verdict::pass, Verdict::pass,
       Verdict::pass, "_dmarc.example.test (p=reject): SPF and DKIM align"},
      {"no record anywhere", none, none, Verdict::pass, std::nullopt, Verdict::warn,
       "no DMARC record at _dmarc.mail.example.test or _dmarc.example.test"},
      {"not a DMARC record", txt({"v=spf1 -all", "p=reject; v=DMARC1"}), std::nullopt,
       Verdict::pass, std::nullopt, Verdict::warn, "no DMARC record"},
      {"no alignment", reject, std::nullopt, Verdict::fail, Verdict::fail, Verdict::warn,
       "neither SPF nor DKIM"},
      {"no alignment, no dkim", reject, std::nullopt, Verdict::warn, std::nullopt, Verdict::warn,
       "no alignment"},
      {"two records", txt({"v=DMARC1; p=none", "v=DMARC1; p=reject"}), std::nullopt,
       Verdict::pass, std::nullopt, Verdict::warn, "2 DMARC records"},
      {"lookup failed", TxtAnswer{LookupStatus::servfail, {}}, none, Verdict::pass, std::nullopt,
       Verdict::unknown, "TXT lookup of _dmarc.mail.example.test failed"},
      {"alignment unknown", reject, std::nullopt, Verdict::unknown, std::nullopt,
       Verdict::unknown, "alignment unknown"},
  };
  for (const DmarcCase& c : cases) {
    const Check check =
        check_dmarc("mail.example.test", "example.test", c.at_domain, c.at_org, c.spf, c.dkim);
    EXPECT_EQ(check.name, "dmarc");
    EXPECT_EQ(check.verdict, c.expected) << c.name << ": " << check.evidence;
    EXPECT_NE(check.evidence.find(c.evidence_has), std::string::npos) << c.name << ": " << check.evidence;
  }
}

TEST(DoctorDmarc, WhichRecordsAreDmarcRecords) {
  EXPECT_TRUE(has_dmarc_record(txt({"v=DMARC1; p=none"})));
  EXPECT_TRUE(has_dmarc_record(txt({"other", " v = DMARC1 ;p=reject"})));
  EXPECT_FALSE(has_dmarc_record(txt({"p=reject; v=DMARC1"})));
  EXPECT_FALSE(has_dmarc_record(txt({"v=DMARC2; p=none"})));
  EXPECT_FALSE(has_dmarc_record(TxtAnswer{LookupStatus::nxdomain, {}}));
}

}  // namespace
}  // namespace smtpsend::doctor
