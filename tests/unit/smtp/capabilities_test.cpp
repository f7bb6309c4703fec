#include "smtpsend/smtp/capabilities.hpp"

#include <gtest/gtest.h>

namespace smtpsend::smtp {
namespace {

Reply ehlo(std::vector<std::string> lines) {
  return Reply{250, "", std::move(lines)};
}

TEST(Capabilities, ReadsTheExtensionsSmtpsendUses) {
  const Capabilities caps =
      Capabilities::from_ehlo(ehlo({"mx.example.com greets you", "PIPELINING", "SIZE 10240000",
                                    "8BITMIME", "SMTPUTF8", "CHUNKING", "BINARYMIME", "STARTTLS",
                                    "DSN", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN CRAM-MD5"}));
  EXPECT_TRUE(caps.esmtp);
  EXPECT_TRUE(caps.pipelining);
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.smtputf8);
  EXPECT_TRUE(caps.chunking);
  EXPECT_TRUE(caps.binary_mime);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.dsn);
  EXPECT_TRUE(caps.enhanced_status_codes);
  EXPECT_EQ(caps.size, std::optional<std::uint64_t>{10240000});
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"}));
}

TEST(Capabilities, KeywordsAreCaseInsensitiveAndTheGreetingLineIsNotAKeyword) {
  const Capabilities caps =
      Capabilities::from_ehlo(ehlo({"PIPELINING is my name", "pipelining", "auth=login plain"}));
  EXPECT_TRUE(caps.pipelining);
  EXPECT_EQ(caps.auth_mechanisms, (std::vector<std::string>{"LOGIN", "PLAIN"}));
  const Capabilities greeting_only = Capabilities::from_ehlo(ehlo({"PIPELINING"}));
  EXPECT_FALSE(greeting_only.pipelining);
}

TEST(Capabilities, SizeWithoutNumberMeansNoLimitAndGarbageMeansNoSize) {
  EXPECT_EQ(Capabilities::from_ehlo(ehlo({"x", "SIZE"})).size, std::optional<std::uint64_t>{0});
  EXPECT_EQ(Capabilities::from_ehlo(ehlo({"x", "SIZE 12k"})).size, std::nullopt);
  EXPECT_EQ(Capabilities::from_ehlo(ehlo({"x", "SIZE -1"})).size, std::nullopt);
  EXPECT_EQ(Capabilities::from_ehlo(ehlo({"x"})).size, std::nullopt);
}

TEST(Capabilities, UnknownKeywordsAndBlankLinesAreIgnored) {
  const Capabilities caps = Capabilities::from_ehlo(ehlo({"x", "", "XFOO bar", "VRFY", "ETRN"}));
  Capabilities expected;
  expected.esmtp = true;
  EXPECT_EQ(caps, expected);
}

}  // namespace
}  // namespace smtpsend::smtp
