// RFC 3461 parameters: xtext, the -N/-R/-V values and their spelling on the wire.
#include "smtpsend/smtp/dsn.hpp"

#include <gtest/gtest.h>

namespace smtpsend::smtp {
namespace {

TEST(Xtext, PrintableAsciiOtherThanPlusAndEqualsStaysAsItIs) {
  EXPECT_EQ(xtext_encode("abc-123_<id@host.example>!~"), "abc-123_<id@host.example>!~");
}

TEST(Xtext, PlusEqualsSpaceControlAndEightBitBytesAreHexWithUpperCaseDigits) {
  EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
  EXPECT_EQ(xtext_encode(std::string_view("\x00\x1f\x7f\xff", 4)), "+00+1F+7F+FF");
  EXPECT_EQ(xtext_encode(""), "");
}

TEST(DsnNotify, NeverAloneOrAnyListOfConditionsInAnyCase) {
  std::string notify, error;
  ASSERT_TRUE(parse_dsn_notify("never", notify, error)) << error;
  EXPECT_EQ(notify, "NEVER");
  ASSERT_TRUE(parse_dsn_notify("success,failure,delay", notify, error)) << error;
  EXPECT_EQ(notify, "SUCCESS,FAILURE,DELAY");
  ASSERT_TRUE(parse_dsn_notify("Delay, FAILURE", notify, error)) << error;
  EXPECT_EQ(notify, "DELAY,FAILURE");
  ASSERT_TRUE(parse_dsn_notify("failure failure,,success", notify, error)) << error;
  EXPECT_EQ(notify, "FAILURE,SUCCESS");
}

TEST(DsnNotify, NeverCombinedUnknownKeywordsAndEmptyAreRefused) {
  std::string notify = "unchanged", error;
  EXPECT_FALSE(parse_dsn_notify("never,success", notify, error));
  EXPECT_NE(error.find("never cannot be combined"), std::string::npos) << error;
  EXPECT_FALSE(parse_dsn_notify("success,sometimes", notify, error));
  EXPECT_NE(error.find("'sometimes'"), std::string::npos) << error;
  EXPECT_FALSE(parse_dsn_notify(" , ", notify, error));
  EXPECT_FALSE(parse_dsn_notify("", notify, error));
  EXPECT_EQ(notify, "unchanged");
}

TEST(DsnReturnValue, FullOrHdrsInAnyCase) {
  DsnReturn ret = DsnReturn::full;
  std::string error;
  ASSERT_TRUE(parse_dsn_return("HDRS", ret, error));
  EXPECT_EQ(ret, DsnReturn::headers);
  ASSERT_TRUE(parse_dsn_return("full", ret, error));
  EXPECT_EQ(ret, DsnReturn::full);
  EXPECT_FALSE(parse_dsn_return("headers", ret, error));
  EXPECT_EQ(error, "-R (--dsn-return) must be full or hdrs, not 'headers'");
}

TEST(DsnEnvid, PrintableAsciiUpToOneHundredCharactersOfXtext) {
  std::string error;
  EXPECT_TRUE(check_dsn_envid("QQ314159 job 7", error)) << error;
  EXPECT_TRUE(check_dsn_envid(std::string(100, 'x'), error));
  EXPECT_FALSE(check_dsn_envid(std::string(101, 'x'), error));
  // 34 '+' become 102 octets of xtext.
  EXPECT_FALSE(check_dsn_envid(std::string(34, '+'), error));
  EXPECT_FALSE(check_dsn_envid("line\r\nbreak", error));
  EXPECT_FALSE(check_dsn_envid("caf\xc3\xa9", error));
  EXPECT_FALSE(check_dsn_envid("", error));
}

TEST(DsnParameters, MailCarriesRetAndEnvidRcptCarriesNotify) {
  DsnRequest dsn;
  EXPECT_TRUE(dsn.empty());
  EXPECT_EQ(dsn_mail_parameters(dsn), "");
  EXPECT_EQ(dsn_rcpt_parameters(dsn), "");
  dsn.notify = "SUCCESS,FAILURE";
  dsn.ret = DsnReturn::headers;
  dsn.envid = "id=1 2";
  EXPECT_EQ(dsn_mail_parameters(dsn), " RET=HDRS ENVID=id+3D1+202");
  EXPECT_EQ(dsn_rcpt_parameters(dsn), " NOTIFY=SUCCESS,FAILURE");
}

}  // namespace
}  // namespace smtpsend::smtp
