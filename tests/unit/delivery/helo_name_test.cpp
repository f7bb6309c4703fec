#include "smtpsend/delivery/helo_name.hpp"

#include <gtest/gtest.h>

namespace smtpsend::delivery {
namespace {

TEST(HeloName, ConfiguredNameIsSentAsItIs) {
  EXPECT_EQ(helo_name_for("mail.example.org", "192.0.2.1"), "mail.example.org");
  EXPECT_EQ(helo_name_for("[192.0.2.7]", "192.0.2.1"), "[192.0.2.7]");
  EXPECT_EQ(helo_name_for("[IPv6:2001:db8::7]", "192.0.2.1"), "[IPv6:2001:db8::7]");
}

// RFC 5321 §4.1.3: an address in EHLO is an address literal; Postfix answers a bare one 504.
TEST(HeloName, BareAddressBecomesALiteral) {
  EXPECT_EQ(helo_name_for("127.0.0.1", "192.0.2.1"), "[127.0.0.1]");
  EXPECT_EQ(helo_name_for("::1", "192.0.2.1"), "[IPv6:::1]");
  EXPECT_EQ(helo_name_for("2001:db8::5", "192.0.2.1"), "[IPv6:2001:db8::5]");
}

// RFC 5321 §4.1.4: without a name of its own, the client gives its address literal.
TEST(HeloName, NoNameMeansTheLocalAddressLiteral) {
  EXPECT_EQ(helo_name_for("", "192.0.2.1"), "[192.0.2.1]");
  EXPECT_EQ(helo_name_for("", "2001:db8::1"), "[IPv6:2001:db8::1]");
  EXPECT_EQ(helo_name_for("", "::ffff:192.0.2.9"), "[192.0.2.9]");
}

TEST(HeloName, AddressLiteralOfText) {
  EXPECT_EQ(address_literal("10.1.2.3"), "[10.1.2.3]");
  EXPECT_EQ(address_literal("fe80::1"), "[IPv6:fe80::1]");
  EXPECT_EQ(address_literal("host.example"), "");
  EXPECT_EQ(address_literal(""), "");
  EXPECT_EQ(address_literal("1.2.3"), "");
}

}  // namespace
}  // namespace smtpsend::delivery
