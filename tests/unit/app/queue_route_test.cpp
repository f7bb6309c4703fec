// The route an entry keeps, put back through the normal parser for `queue run` (SPEC.md
// "Queue": an entry keeps the route it was queued with; no secret is stored).
#include <gtest/gtest.h>

#include "queue_delivery.hpp"

namespace smtpsend::app {
namespace {

using Args = std::vector<std::string>;

TEST(QueueRoute, DirectWithoutAFileIsJustThePlaceholder) {
  queue::Envelope envelope;
  EXPECT_EQ(route_arguments(envelope), (Args{"--", "queue-run@invalid"}));
}

TEST(QueueRoute, RelayAccountAndFile) {
  queue::Envelope envelope;
  queue::Route& route = envelope.route;
  route.relay = true;
  route.relay_host = "smtp.example.com";
  route.relay_port = 465;
  route.implicit_tls = true;
  route.tls = smtp::TlsPolicy::verify;
  route.user = "cron";
  route.account = "work";
  route.auth_mechanism = "SCRAM-SHA-256";
  route.config_file = "/etc/smtpsend.toml";
  EXPECT_EQ(route_arguments(envelope),
            (Args{"-C", "/etc/smtpsend.toml", "-A", "work", "--relay", "smtp.example.com:465",
                  "--smtps", "-u", "cron", "--auth", "scram-sha-256", "--tls", "verify", "--",
                  "queue-run@invalid"}));
}

TEST(QueueRoute, AnIpv6RelayIsBracketed) {
  queue::Envelope envelope;
  envelope.route.relay = true;
  envelope.route.relay_host = "2001:db8::25";
  envelope.route.relay_port = 587;
  const Args args = route_arguments(envelope);
  ASSERT_GE(args.size(), 2u);
  EXPECT_EQ(args[0], "--relay");
  EXPECT_EQ(args[1], "[2001:db8::25]:587");
}

// The arguments parse: a relay entry's route becomes the Request's relay and user.
TEST(QueueRoute, TheParserTakesThem) {
  queue::Envelope envelope;
  envelope.route.relay = true;
  envelope.route.relay_host = "192.0.2.25";
  envelope.route.relay_port = 2525;
  envelope.route.tls = smtp::TlsPolicy::none;
  const Args args = route_arguments(envelope);
  const std::vector<std::string> no_files;
  const cli::CommandLine parsed =
      cli::parse_command_line(args, cli::HostIdentity{"host.example.org", "alice"}, no_files);
  ASSERT_TRUE(parsed.request) << parsed.error;
  ASSERT_TRUE(parsed.request->delivery.route.relay);
  EXPECT_EQ(parsed.request->delivery.route.relay->host, "192.0.2.25");
  EXPECT_EQ(parsed.request->delivery.route.relay->port, 2525);
  EXPECT_EQ(parsed.request->delivery.tls.policy, smtp::TlsPolicy::none);
}

}  // namespace
}  // namespace smtpsend::app
