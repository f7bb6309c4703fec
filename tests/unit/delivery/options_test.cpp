// DeliveryOptions: the port of a destination's hosts, chosen once for the FSM and --dry-run.
#include "smtpsend/delivery/options.hpp"

#include <gtest/gtest.h>

namespace smtpsend::delivery {
namespace {

TEST(DestinationPort, MxHostsUseTheMxPort) {
  DeliveryOptions options;
  EXPECT_EQ(destination_port(options), 25);
  options.mx_port = 2525;
  EXPECT_EQ(destination_port(options), 2525);
}

TEST(DestinationPort, ARelayUsesItsOwnPortWhateverTheMxPort) {
  DeliveryOptions options;
  options.mx_port = 2525;
  options.relay = RelayRoute{"smtp.example.net", 465, true, false};
  EXPECT_EQ(destination_port(options), 465);
}

}  // namespace
}  // namespace smtpsend::delivery
