// DeliveryOptions: the port of a destination's hosts, chosen once for the FSM and --dry-run; the
// session settings every session of a run starts from.
#include "smtpsend/delivery/options.hpp"

#include <gtest/gtest.h>

namespace smtpsend::delivery {
namespace {

TEST(DestinationPort, MxHostsUseTheMxPort) {
  DeliveryOptions options;
  EXPECT_EQ(destination_port(options.route), 25);
  options.route.mx_port = 2525;
  EXPECT_EQ(destination_port(options.route), 2525);
}

TEST(DestinationPort, ARelayUsesItsOwnPortWhateverTheMxPort) {
  DeliveryOptions options;
  options.route.mx_port = 2525;
  options.route.relay = RelayRoute{"smtp.example.net", 465, true, false};
  EXPECT_EQ(destination_port(options.route), 465);
}

// Each session is given DeliveryOptions::session as it is (destination_run.cpp), so its defaults
// are what a run sends with: writes of at most 64 KiB (RFC 2920 §3.1), PIPELINING and CHUNKING
// when offered, no AUTH, RFC 5321 §4.5.3.2's timeouts per stage.
TEST(DeliveryOptions, SessionDefaultsAreTheRunsSettings) {
  const DeliveryOptions options;
  EXPECT_EQ(options.session.max_write, 64u * 1024u);
  EXPECT_TRUE(options.session.use_pipelining);
  EXPECT_TRUE(options.session.use_chunking);
  EXPECT_FALSE(options.session.timeouts.every_stage.has_value());
  EXPECT_EQ(options.session.auth, nullptr);
  EXPECT_EQ(options.session.progress, nullptr);
  EXPECT_EQ(options.connect_timeout, std::chrono::seconds(30));
}

}  // namespace
}  // namespace smtpsend::delivery
