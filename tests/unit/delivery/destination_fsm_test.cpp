// The failover policy, scripted: every test feeds DNS answers, connect results and session
// outcomes, and asserts the exact actions and the final results.
#include "smtpsend/delivery/destination_fsm.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <sstream>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::delivery {
namespace {

constexpr std::string_view kContent = "Subject: t\r\n\r\nbody\r\n";

smtp::Transaction transaction(std::size_t message_index, std::vector<std::string> recipients) {
  smtp::Transaction t;
  t.message_index = message_index;
  t.mail_from = "me@here.test";
  t.recipients = std::move(recipients);
  t.content = kContent;
  return t;
}

Destination destination(std::string domain, std::vector<smtp::Transaction> transactions) {
  std::string key = domain;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Destination{std::move(domain), std::move(key), std::move(transactions)};
}

Destination example(std::vector<std::string> recipients) {
  return destination("example.com", {transaction(0, std::move(recipients))});
}

FsmOptions options(dns::RandomIndex random = [](std::size_t) -> std::size_t { return 0; }) {
  FsmOptions o;
  o.random = std::move(random);
  return o;
}

dns::MxAnswer mx(std::vector<dns::MxRecord> records) {
  return dns::MxAnswer{dns::LookupStatus::ok, std::move(records), {}};
}
dns::MxAnswer mx_status(dns::LookupStatus status) {
  return dns::MxAnswer{status, {}, {}};
}

dns::AddressAnswer addresses(std::vector<std::string> list) {
  return dns::AddressAnswer{dns::LookupStatus::ok, std::move(list)};
}
dns::AddressAnswer addresses_status(dns::LookupStatus status) {
  return dns::AddressAnswer{status, {}};
}

smtp::RecipientOutcome outcome_for(const std::string& address, RecipientStatus status,
                                   FailureCause cause, int code, bool final,
                                   std::size_t message_index = 0) {
  smtp::RecipientOutcome r;
  r.result.message_index = message_index;
  r.result.address = address;
  r.result.status = status;
  r.result.cause = cause;
  r.result.diag.reply = ServerReply{code, "", "reply " + std::to_string(code)};
  r.final = final;
  return r;
}
smtp::RecipientOutcome delivered(const std::string& address, std::size_t message_index = 0) {
  return outcome_for(address, RecipientStatus::delivered, FailureCause::none, 250, true,
                     message_index);
}
smtp::RecipientOutcome not_settled(const std::string& address, int code = 421) {
  return outcome_for(address, RecipientStatus::deferred, FailureCause::temporary, code, false);
}
smtp::RecipientOutcome failed_final(const std::string& address, int code = 554) {
  return outcome_for(address, RecipientStatus::failed, FailureCause::permanent, code, true);
}

smtp::SessionOutcome session(std::vector<smtp::RecipientOutcome> recipients) {
  return smtp::SessionOutcome{std::move(recipients), {}};
}

RunSession run(std::string host, std::string ip, std::vector<smtp::Transaction> transactions) {
  return RunSession{smtp::Peer{std::move(host), std::move(ip)}, std::move(transactions)};
}

RecipientResult sentence(const std::string& address, RecipientStatus status, FailureCause cause,
                         Errc error, std::string detail, std::size_t message_index = 0) {
  RecipientResult r;
  r.message_index = message_index;
  r.address = address;
  r.status = status;
  r.cause = cause;
  r.diag.error = make_error_code(error);
  r.diag.detail = std::move(detail);
  return r;
}

// Takes the action and checks it is the one expected; asking twice gives the same action.
void expect_next(DestinationFsm& fsm, const DestinationAction& expected) {
  const DestinationAction first = fsm.next_action();
  EXPECT_EQ(first, expected);
  EXPECT_EQ(fsm.next_action(), first) << "next_action() must not advance by itself";
}

const std::error_code refused = make_error_code(Errc::connection_refused);
const std::error_code timed_out = make_error_code(Errc::connect_timeout);
const std::error_code unreachable = make_error_code(Errc::network_error);

// Walks ResolveMx and the host's address lookup up to the Connect of its first address.
void resolve_one_host(DestinationFsm& fsm, const std::string& host, std::vector<std::string> ips) {
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(mx({{10, host}}));
  expect_next(fsm, ResolveAddrs{host});
  fsm.on_addresses(addresses(std::move(ips)));
}

TEST(DestinationFsm, FirstMxRefusesSecondDelivers) {
  DestinationFsm fsm(example({"bob@example.com"}), options());
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(mx({{20, "mx2.example.com"}, {10, "mx1.example.com"}}));
  expect_next(fsm, ResolveAddrs{"mx1.example.com"});
  fsm.on_addresses(addresses({"192.0.2.1"}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(fsm, ResolveAddrs{"mx2.example.com"});
  fsm.on_addresses(addresses({"192.0.2.2"}));
  expect_next(fsm, Connect{"mx2.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx2.example.com", "192.0.2.2", {transaction(0, {"bob@example.com"})}));
  fsm.on_session(session({delivered("bob@example.com")}));
  expect_next(fsm, Finish{{delivered("bob@example.com").result}});
}

TEST(DestinationFsm, AdditionalSectionAddressesNeedNoLookupAndPortIsConfigurable) {
  FsmOptions o = options();
  o.route.mx_port = 2525;
  DestinationFsm fsm(example({"bob@example.com"}), o);
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(dns::MxAnswer{
      dns::LookupStatus::ok, {{10, "mx1.example.com"}}, {{"mx1.example.com", {"192.0.2.1"}}}});
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 2525});
}

// Equal preferences are shuffled by the injected random source (RFC 5321 §5.1); the FSM then
// tries hosts exactly in the plan's order, and the more preferred host always comes first.
TEST(DestinationFsm, EqualPreferenceOrderComesFromTheSeededRandomSource) {
  std::set<std::vector<std::string>> orders;
  for (unsigned seed = 0; seed < 32; ++seed) {
    std::mt19937 rng(seed);
    DestinationFsm fsm(example({"bob@example.com"}), options([&rng](std::size_t bound) {
                         return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng);
                       }));
    ASSERT_EQ(fsm.next_action(), DestinationAction{ResolveMx{"example.com"}});
    fsm.on_mx(dns::MxAnswer{dns::LookupStatus::ok,
                            {{20, "b.example.com"},
                             {5, "first.example.com"},
                             {20, "a.example.com"},
                             {20, "c.example.com"}},
                            {{"a.example.com", {"192.0.2.1"}},
                             {"b.example.com", {"192.0.2.2"}},
                             {"c.example.com", {"192.0.2.3"}},
                             {"first.example.com", {"192.0.2.9"}}}});
    std::vector<std::string> tried;
    for (DestinationAction a = fsm.next_action(); std::holds_alternative<Connect>(a);
         a = fsm.next_action()) {
      tried.push_back(std::get<Connect>(a).host);
      fsm.on_connect_failed(refused, "connection refused");
    }
    ASSERT_EQ(tried.size(), 4u);
    EXPECT_EQ(tried.front(), "first.example.com");
    std::vector<std::string> planned;
    for (const dns::PlannedHost& h : fsm.plan().hosts) planned.push_back(h.name);
    EXPECT_EQ(tried, planned);
    orders.insert(tried);
  }
  EXPECT_GT(orders.size(), 1u) << "equal preferences must not always come out in one order";
}

TEST(DestinationFsm, SameSeedSameOrder) {
  auto order_for = [](unsigned seed) {
    std::mt19937 rng(seed);
    DestinationFsm fsm(example({"bob@example.com"}), options([&rng](std::size_t bound) {
                         return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng);
                       }));
    fsm.on_mx(mx({{10, "a.example.com"}, {10, "b.example.com"}, {10, "c.example.com"}}));
    return std::get<ResolveAddrs>(fsm.next_action()).host;
  };
  for (unsigned seed = 0; seed < 8; ++seed) EXPECT_EQ(order_for(seed), order_for(seed));
}

TEST(DestinationFsm, NullMxFailsEveryRecipientWithoutConnecting) {
  DestinationFsm fsm(example({"a@example.com", "b@example.com"}), options());
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(mx({{0, ""}}));
  const std::string why = "example.com does not accept mail (null MX, RFC 7505)";
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::failed, FailureCause::no_host,
                                    Errc::null_mx, why),
                           sentence("b@example.com", RecipientStatus::failed, FailureCause::no_host,
                                    Errc::null_mx, why)}});
  fsm.on_connected();  // stray events after Finish change nothing
  EXPECT_TRUE(std::holds_alternative<Finish>(fsm.next_action()));
}

TEST(DestinationFsm, NxdomainFailsWithNoHost) {
  DestinationFsm fsm(destination("Example.COM", {transaction(0, {"a@Example.COM"})}), options());
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(mx_status(dns::LookupStatus::nxdomain));
  expect_next(fsm, Finish{{sentence("a@Example.COM", RecipientStatus::failed, FailureCause::no_host,
                                    Errc::dns_nxdomain, "Example.COM does not exist (NXDOMAIN)")}});
}

TEST(DestinationFsm, ServfailDefers) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx_status(dns::LookupStatus::servfail));
  expect_next(fsm,
              Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::dns_servfail, "DNS lookup of example.com failed: SERVFAIL")}});
}

TEST(DestinationFsm, DnsTimeoutDefers) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx_status(dns::LookupStatus::timeout));
  expect_next(fsm,
              Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::dns_timeout, "DNS lookup of example.com failed: timed out")}});
}

TEST(DestinationFsm, ImplicitMxUsesTheDomainsAddresses) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(mx_status(dns::LookupStatus::nodata));
  expect_next(fsm, ResolveAddrs{"example.com"});
  fsm.on_addresses(addresses({"192.0.2.5"}));
  expect_next(fsm, Connect{"example.com", "192.0.2.5", 25});
  fsm.on_connected();
  expect_next(fsm, run("example.com", "192.0.2.5", {transaction(0, {"a@example.com"})}));
  fsm.on_session(session({delivered("a@example.com")}));
  expect_next(fsm, Finish{{delivered("a@example.com").result}});
}

TEST(DestinationFsm, ImplicitMxWithoutAddressesFailsWithNoHost) {
  for (dns::LookupStatus status : {dns::LookupStatus::nodata, dns::LookupStatus::nxdomain}) {
    DestinationFsm fsm(example({"a@example.com"}), options());
    fsm.on_mx(mx_status(dns::LookupStatus::nodata));
    expect_next(fsm, ResolveAddrs{"example.com"});
    fsm.on_addresses(addresses_status(status));
    expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::failed,
                                      FailureCause::no_host, Errc::no_mx_nor_address,
                                      "example.com has neither MX nor address records")}});
  }
}

TEST(DestinationFsm, ImplicitMxAddressLookupFailureDefers) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx_status(dns::LookupStatus::nodata));
  fsm.on_addresses(addresses_status(dns::LookupStatus::servfail));
  expect_next(fsm,
              Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::dns_servfail, "DNS lookup of example.com failed: SERVFAIL")}});
}

TEST(DestinationFsm, DomainLiteralConnectsWithoutDns) {
  DestinationFsm fsm(destination("[192.0.2.7]", {transaction(0, {"a@[192.0.2.7]"})}), options());
  expect_next(fsm, Connect{"192.0.2.7", "192.0.2.7", 25});
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(fsm,
              Finish{{sentence("a@[192.0.2.7]", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::connection_refused, "connection refused by [192.0.2.7]")}});
}

TEST(DestinationFsm, InvalidDomainLiteralIsAMalformedAddress) {
  DestinationFsm fsm(destination("[300.1.1.1]", {transaction(0, {"a@[300.1.1.1]"})}), options());
  expect_next(fsm, Finish{{sentence("a@[300.1.1.1]", RecipientStatus::failed, FailureCause::message,
                                    Errc::message_malformed,
                                    "[300.1.1.1] is not a valid address literal")}});
}

TEST(DestinationFsm, TransientGreetingMovesToTheNextAddress) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "2001:db8::1"});
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "192.0.2.1", {transaction(0, {"a@example.com"})}));
  fsm.on_session(session({not_settled("a@example.com", 421)}));
  expect_next(fsm, Connect{"mx1.example.com", "2001:db8::1", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "2001:db8::1", {transaction(0, {"a@example.com"})}));
  fsm.on_session(session({delivered("a@example.com")}));
  expect_next(fsm, Finish{{delivered("a@example.com").result}});
}

TEST(DestinationFsm, LastNonFinalOutcomeStandsWhenAddressesRunOut) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connected();
  fsm.on_session(session({not_settled("a@example.com", 421)}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  fsm.on_session(session({not_settled("a@example.com", 451)}));
  expect_next(fsm, Finish{{not_settled("a@example.com", 451).result}});
}

TEST(DestinationFsm, ServerReplyBeatsALaterConnectFailure) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connected();
  fsm.on_session(session({not_settled("a@example.com", 421)}));
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(fsm, Finish{{not_settled("a@example.com", 421).result}});
}

TEST(DestinationFsm, PermanentGreetingStopsTheDestination) {
  DestinationFsm fsm(example({"a@example.com", "b@example.com"}), options());
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(dns::MxAnswer{
      dns::LookupStatus::ok,
      {{10, "mx1.example.com"}, {20, "mx2.example.com"}},
      {{"mx1.example.com", {"192.0.2.1", "192.0.2.11"}}, {"mx2.example.com", {"192.0.2.2"}}}});
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  // The session marks a 5xx greeting (or 5xx to MAIL) final for every recipient.
  fsm.on_session(session({failed_final("a@example.com"), failed_final("b@example.com")}));
  expect_next(fsm,
              Finish{{failed_final("a@example.com").result, failed_final("b@example.com").result}});
}

TEST(DestinationFsm, AllRefusedCountsAddressesAndHosts) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx({{10, "mx1.example.com"}, {20, "mx2.example.com"}}));
  fsm.on_addresses(addresses({"192.0.2.1"}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connect_failed(refused, "connection refused");
  fsm.on_addresses(addresses({"192.0.2.2"}));
  expect_next(fsm, Connect{"mx2.example.com", "192.0.2.2", 25});
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(
      fsm,
      Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                       Errc::connection_refused,
                       "connection refused by all 2 addresses of 2 MX hosts of example.com")}});
}

TEST(DestinationFsm, AllTimedOutQuotesTheTimeout) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2", "192.0.2.3"});
  for (int i = 0; i < 3; ++i) fsm.on_connect_failed(timed_out, "no answer within 30 s");
  expect_next(fsm,
              Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::connect_timeout,
                               "no answer within 30 s from any of the 3 addresses of 1 MX host "
                               "of example.com")}});
}

TEST(DestinationFsm, MixedConnectFailures) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connect_failed(refused, "connection refused");
  fsm.on_connect_failed(unreachable, "Network is unreachable");
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::deferred,
                                    FailureCause::temporary, Errc::network_error,
                                    "could not connect to any of the 2 addresses of 1 MX host of "
                                    "example.com")}});
}

TEST(DestinationFsm, SingleAddressSentenceIsSingular) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1"});
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(
      fsm, Finish{{sentence("a@example.com", RecipientStatus::deferred, FailureCause::temporary,
                            Errc::connection_refused,
                            "connection refused by the 1 address of 1 MX host of example.com")}});
}

TEST(DestinationFsm, ImplicitMxSentenceSaysSo) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx_status(dns::LookupStatus::nodata));
  fsm.on_addresses(addresses({"192.0.2.1", "192.0.2.2"}));
  fsm.on_connect_failed(refused, "connection refused");
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::deferred,
                                    FailureCause::temporary, Errc::connection_refused,
                                    "connection refused by all 2 addresses of example.com (no MX, "
                                    "using its address records)")}});
}

TEST(DestinationFsm, MxHostWithoutAddressIsSkippedAndNamed) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx({{10, "gone.example.com"}, {20, "mx2.example.com"}}));
  expect_next(fsm, ResolveAddrs{"gone.example.com"});
  fsm.on_addresses(addresses_status(dns::LookupStatus::nxdomain));
  expect_next(fsm, ResolveAddrs{"mx2.example.com"});
  fsm.on_addresses(addresses({"192.0.2.2"}));
  expect_next(fsm, Connect{"mx2.example.com", "192.0.2.2", 25});
  fsm.on_connect_failed(refused, "connection refused");
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::deferred,
                                    FailureCause::temporary, Errc::connection_refused,
                                    "connection refused by the 1 address of 1 MX host of "
                                    "example.com (no usable address for gone.example.com)")}});
}

TEST(DestinationFsm, NoMxHostHasAnAddress) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx({{10, "gone1.example.com"}, {20, "gone2.example.com"}}));
  fsm.on_addresses(addresses_status(dns::LookupStatus::nxdomain));
  fsm.on_addresses(addresses_status(dns::LookupStatus::nodata));
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::failed, FailureCause::no_host,
                                    Errc::no_mx_nor_address,
                                    "no MX host of example.com has an address record "
                                    "(gone1.example.com, gone2.example.com)")}});
}

TEST(DestinationFsm, MxHostLookupFailureMakesItTemporary) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  fsm.on_mx(mx({{10, "mx1.example.com"}, {20, "gone.example.com"}}));
  fsm.on_addresses(addresses_status(dns::LookupStatus::timeout));
  fsm.on_addresses(addresses_status(dns::LookupStatus::nxdomain));
  expect_next(fsm, Finish{{sentence("a@example.com", RecipientStatus::deferred,
                                    FailureCause::temporary, Errc::dns_timeout,
                                    "DNS lookup of mx1.example.com failed: timed out")}});
}

TEST(DestinationFsm, AddressFamilyFiltersLookedUpAndAdditionalAddresses) {
  FsmOptions o = options();
  o.route.family = dns::AddressFamily::ipv6;
  DestinationFsm fsm(example({"a@example.com"}), o);
  fsm.on_mx(dns::MxAnswer{dns::LookupStatus::ok,
                          {{10, "v4only.example.com"}, {20, "mx2.example.com"}},
                          {{"v4only.example.com", {"192.0.2.1"}}}});
  expect_next(fsm, ResolveAddrs{"mx2.example.com"});
  fsm.on_addresses(addresses({"192.0.2.2", "2001:db8::2"}));
  expect_next(fsm, Connect{"mx2.example.com", "2001:db8::2", 25});
}

TEST(DestinationFsm, Ipv4OnlyAgainstAnIpv6LiteralFailsWithoutConnecting) {
  FsmOptions o = options();
  o.route.family = dns::AddressFamily::ipv4;
  DestinationFsm fsm(destination("[IPv6:2001:db8::7]", {transaction(0, {"a@[IPv6:2001:db8::7]"})}),
                     o);
  expect_next(fsm, Finish{{sentence("a@[IPv6:2001:db8::7]", RecipientStatus::failed,
                                    FailureCause::permanent, Errc::no_mx_nor_address,
                                    "[IPv6:2001:db8::7] has no IPv4 (-4) address")}});
}

TEST(DestinationFsm, RecipientSettledOnOneHostIsNotRetriedOnTheNext) {
  DestinationFsm fsm(example({"a@example.com", "b@example.com", "c@example.com"}), options());
  fsm.on_mx(
      dns::MxAnswer{dns::LookupStatus::ok,
                    {{10, "mx1.example.com"}, {20, "mx2.example.com"}},
                    {{"mx1.example.com", {"192.0.2.1"}}, {"mx2.example.com", {"192.0.2.2"}}}});
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "192.0.2.1",
                       {transaction(0, {"a@example.com", "b@example.com", "c@example.com"})}));
  fsm.on_session(session({delivered("a@example.com"), not_settled("b@example.com", 451),
                          failed_final("c@example.com", 550)}));
  expect_next(fsm, Connect{"mx2.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx2.example.com", "192.0.2.2", {transaction(0, {"b@example.com"})}));
  fsm.on_session(session({delivered("b@example.com")}));
  expect_next(fsm, Finish{{delivered("a@example.com").result, delivered("b@example.com").result,
                           failed_final("c@example.com", 550).result}});
}

TEST(DestinationFsm, SeveralMessagesKeepTheirTransactions) {
  DestinationFsm fsm(
      destination("example.com", {transaction(0, {"a@example.com"}),
                                  transaction(1, {"a@example.com", "b@example.com"})}),
      options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "192.0.2.1",
                       {transaction(0, {"a@example.com"}),
                        transaction(1, {"a@example.com", "b@example.com"})}));
  smtp::RecipientOutcome second_a = not_settled("a@example.com", 451);
  second_a.result.message_index = 1;
  fsm.on_session(session({delivered("a@example.com", 0), second_a, delivered("b@example.com", 1)}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "192.0.2.2", {transaction(1, {"a@example.com"})}));
  fsm.on_session(session({delivered("a@example.com", 1)}));
  expect_next(fsm,
              Finish{{delivered("a@example.com", 0).result, delivered("a@example.com", 1).result,
                      delivered("b@example.com", 1).result}});
}

// RFC 5321 §3.8: a 421 after some messages is a per-connection limit; the rest get a new
// connection to the same address, as long as each connection delivers something.
TEST(DestinationFsm, A421AfterDeliveriesReconnectsToTheSameAddress) {
  DestinationFsm fsm(
      destination("example.com", {transaction(0, {"a@example.com"}), transaction(1, {"a@example.com"}),
                                  transaction(2, {"a@example.com"})}),
      options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connected();
  smtp::RecipientOutcome second = not_settled("a@example.com", 421);
  second.result.message_index = 1;
  smtp::RecipientOutcome third = second;
  third.result.message_index = 2;
  fsm.on_session(session({delivered("a@example.com", 0), second, third}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx1.example.com", "192.0.2.1",
                       {transaction(1, {"a@example.com"}), transaction(2, {"a@example.com"})}));
  // This connection delivers nothing before its 421: the next address is tried instead.
  fsm.on_session(session({second, third}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  fsm.on_session(session({delivered("a@example.com", 1), delivered("a@example.com", 2)}));
  expect_next(fsm,
              Finish{{delivered("a@example.com", 0).result, delivered("a@example.com", 1).result,
                      delivered("a@example.com", 2).result}});
}

TEST(DestinationFsm, ReconnectsAfterA421CountAgainstTheAddressLimit) {
  FsmOptions limited = options();
  limited.route.max_addresses = 2;
  DestinationFsm fsm(
      destination("example.com", {transaction(0, {"a@example.com"}), transaction(1, {"a@example.com"}),
                                  transaction(2, {"a@example.com"})}),
      limited);
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1"});
  fsm.on_connected();
  smtp::RecipientOutcome second = not_settled("a@example.com", 421);
  second.result.message_index = 1;
  smtp::RecipientOutcome third = second;
  third.result.message_index = 2;
  fsm.on_session(session({delivered("a@example.com", 0), second, third}));
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  fsm.on_session(session({delivered("a@example.com", 1), third}));
  const DestinationAction finish = fsm.next_action();
  ASSERT_TRUE(std::holds_alternative<Finish>(finish));
  const std::vector<RecipientResult>& results = std::get<Finish>(finish).results;
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[2].status, RecipientStatus::deferred);
  EXPECT_EQ(results[2].diag.reply->code, 421);
}

TEST(DestinationFsm, MessageThatMayHaveBeenDeliveredIsNeverSentToAnotherHost) {
  DestinationFsm fsm(example({"a@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1", "192.0.2.2"});
  fsm.on_connected();
  smtp::RecipientOutcome lost = not_settled("a@example.com");
  lost.result.may_duplicate = true;
  fsm.on_session(session({lost}));
  expect_next(fsm, Finish{{lost.result}});
}

TEST(DestinationFsm, RecipientMissingFromTheOutcomeIsStillReported) {
  DestinationFsm fsm(example({"a@example.com", "b@example.com"}), options());
  resolve_one_host(fsm, "mx1.example.com", {"192.0.2.1"});
  fsm.on_connected();
  fsm.on_session(session({delivered("a@example.com")}));
  expect_next(fsm,
              Finish{{delivered("a@example.com").result,
                      sentence("b@example.com", RecipientStatus::deferred, FailureCause::temporary,
                               Errc::internal, "delivery to example.com ended without a result")}});
}

TEST(DestinationFsm, DryRunResolvesEveryHostAndConnectsNowhere) {
  FsmOptions o = options();
  o.resolve_only = true;
  DestinationFsm fsm(example({"a@example.com"}), o);
  expect_next(fsm, ResolveMx{"example.com"});
  fsm.on_mx(
      dns::MxAnswer{dns::LookupStatus::ok,
                    {{10, "mx1.example.com"}, {20, "mx2.example.com"}, {30, "mx3.example.com"}},
                    {{"mx2.example.com", {"192.0.2.2"}}}});
  expect_next(fsm, ResolveAddrs{"mx1.example.com"});
  fsm.on_addresses(addresses({"192.0.2.1", "2001:db8::1"}));
  expect_next(fsm, ResolveAddrs{"mx3.example.com"});
  fsm.on_addresses(addresses_status(dns::LookupStatus::nxdomain));
  expect_next(fsm, Finish{});
  const dns::MxPlan& plan = fsm.plan();
  EXPECT_EQ(plan.kind, dns::PlanKind::mx);
  ASSERT_EQ(plan.hosts.size(), 3u);
  EXPECT_EQ(plan.hosts[0].addresses, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(plan.hosts[1].addresses, (std::vector<std::string>{"192.0.2.2"}));
  EXPECT_TRUE(plan.hosts[2].addresses_known);
  EXPECT_TRUE(plan.hosts[2].addresses.empty());
}

TEST(DestinationFsm, DryRunReportsDnsFailures) {
  FsmOptions o = options();
  o.resolve_only = true;
  DestinationFsm null_mx(example({"a@example.com"}), o);
  null_mx.on_mx(mx({{0, ""}}));
  expect_next(null_mx, Finish{{sentence("a@example.com", RecipientStatus::failed,
                                        FailureCause::no_host, Errc::null_mx,
                                        "example.com does not accept mail (null MX, RFC 7505)")}});

  DestinationFsm nothing(example({"a@example.com"}), o);
  nothing.on_mx(mx_status(dns::LookupStatus::nodata));
  expect_next(nothing, ResolveAddrs{"example.com"});
  nothing.on_addresses(addresses_status(dns::LookupStatus::nodata));
  expect_next(nothing, Finish{{sentence("a@example.com", RecipientStatus::failed,
                                        FailureCause::no_host, Errc::no_mx_nor_address,
                                        "example.com has neither MX nor address records")}});
}

TEST(DestinationFsm, DryRunOfALiteralNeedsNoLookup) {
  FsmOptions o = options();
  o.resolve_only = true;
  DestinationFsm fsm(destination("[192.0.2.7]", {transaction(0, {"a@[192.0.2.7]"})}), o);
  expect_next(fsm, Finish{});
  EXPECT_EQ(fsm.plan().kind, dns::PlanKind::literal);
}

TEST(DestinationFsm, InternationalDomainIsLookedUpAsALabel) {
  DestinationFsm fsm(destination("b\xc3\xbc"
                                 "cher.example",
                                 {transaction(0, {"a@b\xc3\xbc"
                                                  "cher.example"})}),
                     options());
  expect_next(fsm, ResolveMx{"xn--bcher-kva.example"});
}

TEST(DestinationFsm, ActionsPrintReadably) {
  std::ostringstream os;
  os << DestinationAction{Connect{"mx1.example.com", "192.0.2.1", 25}};
  EXPECT_EQ(os.str(), "Connect{mx1.example.com[192.0.2.1]:25}");
  os.str("");
  os << DestinationAction{run("mx1.example.com", "192.0.2.1", {transaction(0, {"a@example.com"})})};
  EXPECT_EQ(os.str(),
            "RunSession{mx1.example.com[192.0.2.1]; #0 <me@here.test> -> <a@example.com>}");
  os.str("");
  os << DestinationAction{Finish{{sentence("a@example.com", RecipientStatus::failed,
                                           FailureCause::no_host, Errc::null_mx, "no mail")}}};
  EXPECT_EQ(os.str(), "Finish{#0 a@example.com: failed no_host \"no mail\"}");
}

}  // namespace
}  // namespace smtpsend::delivery

namespace smtpsend::delivery {
namespace {

smtp::Transaction with_wire(std::vector<std::string> recipients, std::vector<std::string> wire) {
  smtp::Transaction t = transaction(0, std::move(recipients));
  t.wire_recipients = std::move(wire);
  t.needs_smtputf8 = true;
  return t;
}

// A 5.6.7 (no SMTPUTF8) is not final: the next MX is tried with the recipients left, each
// still paired with its wire form; when no host offers SMTPUTF8, the last 5.6.7 stands.
TEST(DestinationFsm, NextHostGetsTheWireFormsOfTheRecipientsLeft) {
  const std::string jorg =
      "j\xc3\xb6rg@b\xc3\xbc"
      "cher.example";
  DestinationFsm fsm(
      destination("example.com",
                  {with_wire({"a@example.com", jorg},
                             {"a@example.com", "j\xc3\xb6rg@xn--bcher-kva.example"})}),
      options());
  fsm.on_mx(
      dns::MxAnswer{dns::LookupStatus::ok,
                    {{10, "mx1.example.com"}, {20, "mx2.example.com"}},
                    {{"mx1.example.com", {"192.0.2.1"}}, {"mx2.example.com", {"192.0.2.2"}}}});
  expect_next(fsm, Connect{"mx1.example.com", "192.0.2.1", 25});
  fsm.on_connected();
  fsm.next_action();
  smtp::RecipientOutcome no_utf8 =
      outcome_for(jorg, RecipientStatus::failed, FailureCause::permanent, 0, false);
  no_utf8.result.diag.reply.reset();
  no_utf8.result.diag.error = make_error_code(Errc::smtputf8_unsupported);
  no_utf8.result.diag.detail = "5.6.7 the message needs SMTPUTF8";
  fsm.on_session(session({failed_final("a@example.com", 550), no_utf8}));
  expect_next(fsm, Connect{"mx2.example.com", "192.0.2.2", 25});
  fsm.on_connected();
  expect_next(fsm, run("mx2.example.com", "192.0.2.2",
                       {with_wire({jorg}, {"j\xc3\xb6rg@xn--bcher-kva.example"})}));
  fsm.on_session(session({no_utf8}));
  expect_next(fsm, Finish{{failed_final("a@example.com", 550).result, no_utf8.result}});
}

}  // namespace
}  // namespace smtpsend::delivery
