// --relay: every recipient in one destination, the relay host looked up for addresses only (no
// MX), a literal connected to at once, and sentences that name the relay host.
#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"
#include "smtpsend/delivery/plan.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::delivery {
namespace {

RelayRoute relay(std::string host, std::uint16_t port, bool literal) {
  return RelayRoute{std::move(host), port, false, literal};
}

TEST(RelayDestination, EveryDomainInOneTransactionPerMessageWithoutDuplicates) {
  message::Message first;
  first.content = "Subject: 1\r\n\r\nx\r\n";
  message::Message second;
  second.content = "Subject: 2\r\n\r\ny\r\n";
  const std::vector<OutgoingMessage> messages{
      {&first,
       "me@here.test",
       {test::envelope_address("a", "one.test"), test::envelope_address("b", "two.test"),
        test::envelope_address("a", "ONE.test")}},
      {&second, "", {test::envelope_address("c", "three.test")}}};
  const Destination d = relay_destination(messages, relay("smtp.here.test", 587, false));
  EXPECT_EQ(d.domain, "smtp.here.test");
  ASSERT_EQ(d.transactions.size(), 2u);
  EXPECT_EQ(d.transactions[0].recipients, (std::vector<std::string>{"a@one.test", "b@two.test"}));
  EXPECT_EQ(d.transactions[0].mail_from, "me@here.test");
  EXPECT_EQ(d.transactions[0].content, first.content);
  EXPECT_EQ(d.transactions[1].message_index, 1u);
  EXPECT_EQ(d.transactions[1].recipients, (std::vector<std::string>{"c@three.test"}));
}

Destination two_recipients(const std::string& host) {
  smtp::Transaction t;
  t.mail_from = "me@here.test";
  t.recipients = {"a@one.test", "b@two.test"};
  return Destination{host, host, {t}};
}

FsmOptions relay_options(RelayRoute route) {
  FsmOptions o;
  o.route.relay = std::move(route);
  o.random = [](std::size_t) -> std::size_t { return 0; };
  return o;
}

TEST(RelayFsm, HostNameIsLookedUpForAddressesNotMx) {
  DestinationFsm fsm(two_recipients("smtp.here.test"),
                     relay_options(relay("smtp.here.test", 2587, false)));
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveAddrs{"smtp.here.test"}});
  fsm.on_addresses(dns::AddressAnswer{dns::LookupStatus::ok, {"192.0.2.7", "192.0.2.8"}});
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{"smtp.here.test", "192.0.2.7", 2587}));
  fsm.on_connect_failed(make_error_code(Errc::connection_refused), "connection refused");
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{"smtp.here.test", "192.0.2.8", 2587}));
  fsm.on_connect_failed(make_error_code(Errc::connection_refused), "connection refused");
  const auto finish = std::get<Finish>(fsm.next_action());
  ASSERT_EQ(finish.results.size(), 2u);
  for (const RecipientResult& r : finish.results) {
    EXPECT_EQ(r.status, RecipientStatus::deferred);
    EXPECT_EQ(r.diag.detail, "connection refused by all 2 addresses of relay host smtp.here.test");
  }
}

TEST(RelayFsm, LiteralConnectsAtOnce) {
  DestinationFsm fsm(two_recipients("::1"), relay_options(relay("::1", 587, true)));
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{"::1", "::1", 587}));
  fsm.on_connect_failed(make_error_code(Errc::connection_refused), "connection refused");
  const auto finish = std::get<Finish>(fsm.next_action());
  ASSERT_EQ(finish.results.size(), 2u);
  EXPECT_EQ(finish.results[0].diag.detail, "connection refused by relay host ::1");
}

TEST(RelayFsm, UnknownRelayHostFailsAndALookupFailureDefers) {
  DestinationFsm unknown(two_recipients("nope.test"),
                         relay_options(relay("nope.test", 587, false)));
  unknown.on_addresses(dns::AddressAnswer{dns::LookupStatus::nxdomain, {}});
  const auto failed = std::get<Finish>(unknown.next_action());
  ASSERT_EQ(failed.results.size(), 2u);
  EXPECT_EQ(failed.results[0].status, RecipientStatus::failed);
  EXPECT_EQ(failed.results[0].cause, FailureCause::no_host);
  EXPECT_EQ(failed.results[0].diag.detail, "relay host nope.test has no address record");

  DestinationFsm flaky(two_recipients("smtp.here.test"),
                       relay_options(relay("smtp.here.test", 587, false)));
  flaky.on_addresses(dns::AddressAnswer{dns::LookupStatus::servfail, {}});
  const auto deferred = std::get<Finish>(flaky.next_action());
  EXPECT_EQ(deferred.results[1].status, RecipientStatus::deferred);
  EXPECT_EQ(deferred.results[1].diag.detail,
            "DNS lookup of relay host smtp.here.test failed: SERVFAIL");
}

}  // namespace
}  // namespace smtpsend::delivery
