// dns/spf record selection and grammar (RFC 7208 §4.5, §4.6.1, §5, §6, §12).
#include "spf/record.hpp"

#include <gtest/gtest.h>

namespace smtpsend::dns::spf {
namespace {

Record parsed(std::string_view text) {
  RecordParse parse = parse_record(text);
  EXPECT_TRUE(parse.record) << text << ": " << parse.error;
  return parse.record.value_or(Record{});
}

bool valid(std::string_view text) { return parse_record(text).record.has_value(); }

TEST(SpfRecord, SelectsVersionCaseInsensitivelyFollowedBySpaceOrEnd) {
  EXPECT_TRUE(is_spf_record("v=spf1"));
  EXPECT_TRUE(is_spf_record("v=spf1 -all"));
  EXPECT_TRUE(is_spf_record("V=SpF1 ~all"));
  EXPECT_FALSE(is_spf_record("v=spf10"));
  EXPECT_FALSE(is_spf_record("v=spf1mx"));
  EXPECT_FALSE(is_spf_record("v=spf1\t-all"));
  EXPECT_FALSE(is_spf_record(" v=spf1"));
  EXPECT_FALSE(is_spf_record("v=spf"));
}

TEST(SpfRecord, QualifiersAndMechanisms) {
  Record r = parsed("v=spf1 +a -mx ~ptr ?exists:%{i}.x.example.com include:example.net all");
  ASSERT_EQ(r.directives.size(), 6u);
  EXPECT_EQ(r.directives[0].qualifier, Result::pass);
  EXPECT_EQ(r.directives[1].qualifier, Result::fail);
  EXPECT_EQ(r.directives[2].qualifier, Result::softfail);
  EXPECT_EQ(r.directives[3].qualifier, Result::neutral);
  EXPECT_EQ(r.directives[4].qualifier, Result::pass);  // §4.6.2: "+" by default
  EXPECT_EQ(r.directives[0].kind, MechanismKind::a);
  EXPECT_EQ(r.directives[3].kind, MechanismKind::exists);
  EXPECT_EQ(r.directives[5].kind, MechanismKind::all);
  EXPECT_FALSE(r.directives[0].domain);
  EXPECT_TRUE(r.directives[4].domain);
}

TEST(SpfRecord, NamesAreCaseInsensitive) {
  Record r = parsed("v=spf1 A MX:Example.COM IP4:192.0.2.1 Redirect=example.net EXP=x.example.org");
  EXPECT_EQ(r.directives.size(), 3u);
  EXPECT_TRUE(r.redirect);
  EXPECT_TRUE(r.explanation);
}

TEST(SpfRecord, DualCidrLengths) {
  Record r = parsed("v=spf1 a/24//64 mx:example.com//48 a:example.com/0 a//0");
  EXPECT_EQ(r.directives[0].cidr4, 24u);
  EXPECT_EQ(r.directives[0].cidr6, 64u);
  EXPECT_EQ(r.directives[1].cidr4, 32u);
  EXPECT_EQ(r.directives[1].cidr6, 48u);
  EXPECT_EQ(r.directives[2].cidr4, 0u);
  EXPECT_EQ(r.directives[3].cidr6, 0u);
  EXPECT_FALSE(valid("v=spf1 a/33"));
  EXPECT_FALSE(valid("v=spf1 a//129"));
  EXPECT_FALSE(valid("v=spf1 a/24/64"));
  EXPECT_FALSE(valid("v=spf1 mx/024"));
  EXPECT_FALSE(valid("v=spf1 ptr/24"));
  EXPECT_FALSE(valid("v=spf1 include:example.com/24"));
  EXPECT_FALSE(valid("v=spf1 exists:example.com/24"));
}

TEST(SpfRecord, DomainSpecMayHoldAnyVisibleCharacterButMustEndInATopLabelOrMacro) {
  EXPECT_TRUE(valid("v=spf1 a:foo:bar/baz.example.com"));
  EXPECT_TRUE(valid("v=spf1 a:foo.example.xn--zckzah"));
  EXPECT_TRUE(valid("v=spf1 a:%{H}.bar"));
  EXPECT_TRUE(valid("v=spf1 a:%{d}"));
  EXPECT_TRUE(valid("v=spf1 a:mail.example.com."));
  EXPECT_FALSE(valid("v=spf1 a:museum"));
  EXPECT_FALSE(valid("v=spf1 a:museum."));
  EXPECT_FALSE(valid("v=spf1 a:111.222.33.44"));  // an all-numeric top label
  EXPECT_FALSE(valid("v=spf1 a:abc.123"));
  EXPECT_FALSE(valid("v=spf1 a:example.-com"));
  EXPECT_FALSE(valid("v=spf1 a:example.com-"));
  EXPECT_FALSE(valid("v=spf1 a:example.com:8080"));
  EXPECT_FALSE(valid("v=spf1 a:"));
  EXPECT_FALSE(valid("v=spf1 include:"));
  EXPECT_FALSE(valid("v=spf1 exists"));
  EXPECT_FALSE(valid("v=spf1 include"));
  EXPECT_FALSE(valid("v=spf1 a:%{d}."));
  EXPECT_FALSE(valid("v=spf1 a:%{c}.example.com"));  // §7.2: c, r, t in exp text only
}

TEST(SpfRecord, Networks) {
  Record r = parsed("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ip6:::ffff:1.2.3.4 ip4:0.0.0.0/0");
  EXPECT_EQ(r.directives[0].cidr4, 24u);
  EXPECT_EQ(r.directives[1].cidr6, 32u);
  EXPECT_TRUE(r.directives[2].network.v6);  // ip6 stays IPv6: it never matches an IPv4 client
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.2.1/33"));
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.2.1/032"));
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.2.1//32"));
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.02.1"));
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.2"));
  EXPECT_FALSE(valid("v=spf1 ip4:256.0.0.1"));
  EXPECT_FALSE(valid("v=spf1 ip4:1.2.3.4:8080"));
  EXPECT_FALSE(valid("v=spf1 ip4"));
  EXPECT_FALSE(valid("v=spf1 ip6:2001:db8::/129"));
  EXPECT_FALSE(valid("v=spf1 ip6:::1//33"));
  EXPECT_FALSE(valid("v=spf1 ip6::CAFE::BABE"));
  EXPECT_FALSE(valid("v=spf1 ip6:192.0.2.1"));
}

TEST(SpfRecord, Modifiers) {
  EXPECT_TRUE(valid("v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all"));  // ignored
  EXPECT_TRUE(valid("v=spf1 default=pass"));
  EXPECT_TRUE(valid("v=spf1 foo=%{c}"));
  EXPECT_TRUE(valid("v=spf1 foo="));
  EXPECT_FALSE(valid("v=spf1 moo.cow/far_out=man:dog/cat"));  // "/" before "=": a mechanism
  EXPECT_FALSE(valid("v=spf1 moo.cow:far_out=man:dog/cat"));
  EXPECT_FALSE(valid("v=spf1 1up=foo"));
  EXPECT_FALSE(valid("v=spf1 =all"));
  EXPECT_FALSE(valid("v=spf1 foo=%abc"));
  EXPECT_FALSE(valid("v=spf1 redirect:example.com"));
  EXPECT_FALSE(valid("v=spf1 redirect=a.example.com redirect=b.example.com"));
  EXPECT_FALSE(valid("v=spf1 exp=a.example.com exp=b.example.com"));
  EXPECT_FALSE(valid("v=spf1 exp="));
  EXPECT_FALSE(valid("v=spf1 redirect="));
  EXPECT_FALSE(valid("v=spf1 exp=-all"));
}

TEST(SpfRecord, TermsAreSeparatedBySpacesOnly) {
  EXPECT_EQ(parsed("v=spf1 a  -all ").directives.size(), 2u);
  EXPECT_TRUE(valid("v=spf1"));
  EXPECT_FALSE(valid("v=spf1 a:ctrl.example.com\rptr -all"));
  EXPECT_FALSE(valid("v=spf1 ip4:192.0.2.5\n include:example.com"));
  EXPECT_FALSE(valid(std::string_view("v=spf1 a:foo.example.com\0", 26)));
  EXPECT_FALSE(valid("v=spf1 a:\xef\xbb\xbfgarbage.example.net -all"));
  EXPECT_FALSE(valid("v=spf1 \x96" "all"));
}

TEST(SpfRecord, AllTakesNothing) {
  EXPECT_FALSE(valid("v=spf1 -all."));
  EXPECT_FALSE(valid("v=spf1 -all:foobar"));
  EXPECT_FALSE(valid("v=spf1 -all/8"));
  EXPECT_FALSE(valid("v=spf1 moo"));
  EXPECT_FALSE(valid("v=spf1 ++all"));
}

TEST(SpfRecord, LengthIsBounded) {
  std::string record = "v=spf1";
  while (record.size() <= max_record_length) record += " ip4:192.0.2.1";
  RecordParse parse = parse_record(record);
  EXPECT_FALSE(parse.record);
  EXPECT_NE(parse.error.find("longer than"), std::string::npos);
}

}  // namespace
}  // namespace smtpsend::dns::spf
