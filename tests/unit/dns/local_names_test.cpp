#include "smtpsend/dns/local_names.hpp"

#include <gtest/gtest.h>

namespace smtpsend::dns {
namespace {

// RFC 6761 §6.3: localhost and names under it, whatever the case, with or without the root dot.
TEST(LocalNames, LocalhostAndNamesUnderIt) {
  for (const char* name : {"localhost", "LOCALHOST", "localhost.", "mail.localhost",
                           "a.b.LocalHost", "mail.localhost."}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(is_localhost_name(name));
  }
}

TEST(LocalNames, OtherNamesAreNotLocal) {
  for (const char* name : {"", ".", "notlocalhost", "localhost.example", "localhostx", ".localhost",
                           "localhost..", "localdomain", "localhost.localdomain"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(is_localhost_name(name));
  }
}

TEST(LocalNames, LoopbackAddressesPerFamily) {
  const auto any = loopback_answer("localhost", AddressFamily::any);
  ASSERT_TRUE(any.has_value());
  EXPECT_EQ(any->status, LookupStatus::ok);
  EXPECT_EQ(any->addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(loopback_answer("mail.localhost", AddressFamily::ipv4)->addresses,
            std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(loopback_answer("mail.localhost", AddressFamily::ipv6)->addresses,
            std::vector<std::string>{"::1"});
  EXPECT_FALSE(loopback_answer("mail.example", AddressFamily::any).has_value());
}

}  // namespace
}  // namespace smtpsend::dns
