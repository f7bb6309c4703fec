// --max-addresses (destination_fsm.cpp): at most N addresses per destination, counted over all
// its hosts in order, as Postfix's smtp_mx_address_limit; the sentence says where it stopped.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"

namespace smtpsend::delivery {
namespace {

const std::error_code refused = make_error_code(Errc::connection_refused);
const std::error_code timed_out = make_error_code(Errc::connect_timeout);

smtp::Transaction bob_transaction() {
  smtp::Transaction t;
  t.mail_from = "me@here.test";
  t.recipients = {"bob@example.com"};
  t.content = "Subject: t\r\n\r\nbody\r\n";
  return t;
}

Destination example() {
  return Destination{"example.com", "example.com", {bob_transaction()}};
}

FsmOptions options(std::size_t max_addresses = kDefaultMaxAddresses) {
  FsmOptions o;
  o.random = [](std::size_t) -> std::size_t { return 0; };
  o.route.max_addresses = max_addresses;
  return o;
}

std::string host_name(std::size_t h) {
  return "mx" + std::to_string(h) + ".example.com";
}
std::string ip(std::size_t h, std::size_t a) {
  return "192.0." + std::to_string(h) + "." + std::to_string(a + 1);
}

// `hosts` MX hosts (preferences 10, 20, ...), each with `per_host` addresses in the additional
// section when `known`, else to be looked up.
dns::MxAnswer mx_answer(std::size_t hosts, std::size_t per_host, bool known) {
  dns::MxAnswer answer{dns::LookupStatus::ok, {}, {}};
  for (std::size_t h = 0; h < hosts; ++h) {
    answer.records.push_back({static_cast<std::uint16_t>(10 * (h + 1)), host_name(h)});
    if (!known) continue;
    dns::HostAddresses addresses{host_name(h), {}};
    for (std::size_t a = 0; a < per_host; ++a) addresses.addresses.push_back(ip(h, a));
    answer.additional.push_back(std::move(addresses));
  }
  return answer;
}

// Refuses every Connect the machine asks for, answering address lookups with `per_host`
// addresses; returns the Connects in order and leaves the machine at its Finish.
std::vector<Connect> refuse_everything(DestinationFsm& fsm, std::size_t per_host) {
  std::vector<Connect> connects;
  for (int step = 0; step < 1000; ++step) {
    const DestinationAction action = fsm.next_action();
    if (const auto* lookup = std::get_if<ResolveAddrs>(&action)) {
      const std::size_t h = std::stoul(lookup->host.substr(2));
      std::vector<std::string> list;
      for (std::size_t a = 0; a < per_host; ++a) list.push_back(ip(h, a));
      fsm.on_addresses(dns::AddressAnswer{dns::LookupStatus::ok, list});
    } else if (const auto* connect = std::get_if<Connect>(&action)) {
      connects.push_back(*connect);
      fsm.on_connect_failed(refused, "connection refused");
    } else {
      break;
    }
  }
  return connects;
}

std::string only_detail(DestinationFsm& fsm) {
  const auto finish = std::get<Finish>(fsm.next_action());
  EXPECT_EQ(finish.results.size(), 1u);
  EXPECT_EQ(finish.results.at(0).status, RecipientStatus::deferred);
  EXPECT_EQ(finish.results.at(0).cause, FailureCause::temporary);
  return finish.results.at(0).diag.detail;
}

TEST(DestinationFsmAddressLimit, TenHostsOfTenAddressesGetFiveConnectsInOrder) {
  DestinationFsm fsm(example(), FsmOptions{});  // the default limit
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveMx{"example.com"}});
  fsm.on_mx(mx_answer(10, 10, /*known=*/true));
  const std::vector<Connect> connects = refuse_everything(fsm, 10);
  std::vector<Connect> expected;
  for (std::size_t a = 0; a < 5; ++a) expected.push_back(Connect{host_name(0), ip(0, a), 25});
  EXPECT_EQ(connects, expected);
  const auto finish = std::get<Finish>(fsm.next_action());
  ASSERT_EQ(finish.results.size(), 1u);
  EXPECT_EQ(finish.results[0].diag.error, refused);
  EXPECT_EQ(finish.results[0].diag.detail,
            "connection refused by all 5 addresses tried; gave up after 5 of 100 addresses of 10 "
            "MX hosts of example.com");
}

TEST(DestinationFsmAddressLimit, CountsOverHostsInPreferenceOrder) {
  DestinationFsm fsm(example(), options());
  fsm.on_mx(mx_answer(4, 0, /*known=*/false));
  const std::vector<Connect> connects = refuse_everything(fsm, 2);
  EXPECT_EQ(connects, (std::vector<Connect>{{host_name(0), ip(0, 0), 25},
                                            {host_name(0), ip(0, 1), 25},
                                            {host_name(1), ip(1, 0), 25},
                                            {host_name(1), ip(1, 1), 25},
                                            {host_name(2), ip(2, 0), 25}}));
  // mx3 was never looked up: its addresses are not counted, and the sentence says so.
  EXPECT_EQ(only_detail(fsm),
            "connection refused by all 5 addresses tried; gave up after 5 of the addresses of 4 "
            "MX hosts of example.com (1 of them not looked up)");
}

TEST(DestinationFsmAddressLimit, ALimitOfTwo) {
  DestinationFsm fsm(example(), options(2));
  fsm.on_mx(mx_answer(3, 1, /*known=*/true));
  EXPECT_EQ(refuse_everything(fsm, 1).size(), 2u);
  EXPECT_EQ(only_detail(fsm),
            "connection refused by all 2 addresses tried; gave up after 2 of 3 addresses of 3 MX "
            "hosts of example.com");
}

TEST(DestinationFsmAddressLimit, ALimitOfOneSaysSoInTheSingular) {
  DestinationFsm fsm(example(), options(1));
  fsm.on_mx(mx_answer(2, 1, /*known=*/true));
  EXPECT_EQ(refuse_everything(fsm, 1).size(), 1u);
  EXPECT_EQ(only_detail(fsm),
            "connection refused by the 1 address tried; gave up after 1 of 2 addresses of 2 MX "
            "hosts of example.com");
}

TEST(DestinationFsmAddressLimit, ExactlyAsManyAddressesAsTheLimitIsNotGivingUp) {
  DestinationFsm fsm(example(), options());
  fsm.on_mx(mx_answer(5, 1, /*known=*/true));
  EXPECT_EQ(refuse_everything(fsm, 1).size(), 5u);
  EXPECT_EQ(only_detail(fsm), "connection refused by all 5 addresses of 5 MX hosts of example.com");
}

TEST(DestinationFsmAddressLimit, TimeoutsQuoteTheTimeout) {
  DestinationFsm fsm(example(), options(2));
  fsm.on_mx(mx_answer(1, 4, /*known=*/true));
  fsm.on_connect_failed(timed_out, "no answer within 30 s");
  fsm.on_connect_failed(timed_out, "no answer within 30 s");
  EXPECT_EQ(only_detail(fsm),
            "no answer within 30 s from any of the 2 addresses tried; gave up after 2 of 4 "
            "addresses of 1 MX host of example.com");
}

TEST(DestinationFsmAddressLimit, ImplicitMxCountsTheDomainsAddresses) {
  DestinationFsm fsm(example(), options());
  fsm.on_mx(dns::MxAnswer{dns::LookupStatus::nodata, {}, {}});
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveAddrs{"example.com"}});
  std::vector<std::string> eight;
  for (std::size_t a = 0; a < 8; ++a) eight.push_back(ip(9, a));
  fsm.on_addresses(dns::AddressAnswer{dns::LookupStatus::ok, eight});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(std::holds_alternative<Connect>(fsm.next_action()));
    fsm.on_connect_failed(refused, "connection refused");
  }
  EXPECT_EQ(only_detail(fsm),
            "connection refused by all 5 addresses tried; gave up after 5 of 8 addresses of "
            "example.com (no MX, using its address records)");
}

TEST(DestinationFsmAddressLimit, TheRelaysAddressesCountToo) {
  FsmOptions o = options(2);
  o.route.relay = RelayRoute{"smtp.here.test", 587, false, false};
  DestinationFsm fsm(Destination{"smtp.here.test", "smtp.here.test", {bob_transaction()}}, o);
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveAddrs{"smtp.here.test"}});
  fsm.on_addresses(dns::AddressAnswer{dns::LookupStatus::ok, {"192.0.2.7", "192.0.2.8", "192.0.2.9"}});
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{"smtp.here.test", "192.0.2.7", 587}));
  fsm.on_connect_failed(refused, "connection refused");
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{"smtp.here.test", "192.0.2.8", 587}));
  fsm.on_connect_failed(refused, "connection refused");
  EXPECT_EQ(only_detail(fsm),
            "connection refused by all 2 addresses tried; gave up after 2 of 3 addresses of relay "
            "host smtp.here.test");
}

smtp::SessionOutcome greeted_421() {
  smtp::RecipientOutcome bob;
  bob.result.address = "bob@example.com";
  bob.result.status = RecipientStatus::deferred;
  bob.result.cause = FailureCause::temporary;
  bob.result.diag.reply = ServerReply{421, "4.3.2", "busy"};
  bob.final = false;
  return smtp::SessionOutcome{{bob}, {}};
}

TEST(DestinationFsmAddressLimit, SessionsCountAndTheLastReplyStands) {
  DestinationFsm fsm(example(), options(3));
  fsm.on_mx(mx_answer(1, 6, /*known=*/true));
  for (std::size_t a = 0; a < 3; ++a) {
    EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{host_name(0), ip(0, a), 25}));
    fsm.on_connected();
    ASSERT_TRUE(std::holds_alternative<RunSession>(fsm.next_action()));
    fsm.on_session(greeted_421());
  }
  const auto finish = std::get<Finish>(fsm.next_action());
  ASSERT_EQ(finish.results.size(), 1u);
  EXPECT_EQ(finish.results[0], greeted_421().recipients[0].result);
}

smtp::SessionOutcome tls_failed() {
  smtp::SessionOutcome outcome = greeted_421();
  outcome.recipients[0].result.diag.reply.reset();
  outcome.tls_failure = "TLS handshake failed";
  return outcome;
}

TEST(DestinationFsmAddressLimit, TheSameAddressAgainInClearIsNotAnotherAddress) {
  DestinationFsm fsm(example(), options(2));
  fsm.on_mx(mx_answer(1, 3, /*known=*/true));
  fsm.on_connected();
  fsm.on_session(tls_failed());
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{host_name(0), ip(0, 0), 25}));
  fsm.on_connected();  // in clear, same address
  fsm.on_session(greeted_421());
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{host_name(0), ip(0, 1), 25}));
  fsm.on_connect_failed(refused, "connection refused");
  EXPECT_TRUE(std::holds_alternative<Finish>(fsm.next_action()));
}

TEST(DestinationFsmAddressLimit, DryRunIsNotLimited) {
  FsmOptions o = options(1);
  o.resolve_only = true;
  DestinationFsm fsm(example(), o);
  fsm.on_mx(mx_answer(3, 0, /*known=*/false));
  for (std::size_t h = 0; h < 3; ++h) {
    EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveAddrs{host_name(h)}});
    fsm.on_addresses(dns::AddressAnswer{dns::LookupStatus::ok, {ip(h, 0)}});
  }
  EXPECT_EQ(std::get<Finish>(fsm.next_action()).results.size(), 0u);
}

}  // namespace
}  // namespace smtpsend::delivery
