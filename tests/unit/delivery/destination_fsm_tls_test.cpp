// The opportunistic-TLS retry (destination_fsm.cpp): a failed STARTTLS handshake sends the same
// address once more without TLS, then failover goes on as usual.
#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"

namespace smtpsend::delivery {
namespace {

constexpr std::string_view kContent = "Subject: t\r\n\r\nbody\r\n";
constexpr char kHost[] = "mx1.example.com";
constexpr char kIp[] = "192.0.2.1";

smtp::Transaction bob_transaction() {
  smtp::Transaction t;
  t.mail_from = "me@here.test";
  t.recipients = {"bob@example.com"};
  t.content = kContent;
  return t;
}

DestinationFsm connected_fsm() {
  DestinationFsm fsm(Destination{"example.com", "example.com", {bob_transaction()}}, FsmOptions{});
  EXPECT_EQ(fsm.next_action(), DestinationAction{ResolveMx{"example.com"}});
  fsm.on_mx(dns::MxAnswer{dns::LookupStatus::ok, {{10, kHost}}, {{kHost, {kIp}}}});
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{kHost, kIp, 25}));
  fsm.on_connected();
  return fsm;
}

smtp::SessionOutcome tls_failed_outcome() {
  smtp::RecipientOutcome bob;
  bob.result.address = "bob@example.com";
  bob.result.status = RecipientStatus::deferred;
  bob.result.cause = FailureCause::temporary;
  bob.result.diag.error = make_error_code(Errc::tls_handshake_failed);
  bob.result.diag.detail = "TLS handshake with mx1.example.com[192.0.2.1] failed: boom";
  bob.final = false;
  smtp::SessionOutcome outcome{{bob}, {}};
  outcome.tls_failure = bob.result.diag.detail;
  return outcome;
}

smtp::SessionOutcome delivered_outcome() {
  smtp::RecipientOutcome bob;
  bob.result.address = "bob@example.com";
  bob.result.status = RecipientStatus::delivered;
  bob.result.diag.reply = ServerReply{250, "2.0.0", "ok"};
  return smtp::SessionOutcome{{bob}, {}};
}

RunSession run_session(bool without_tls) {
  return RunSession{smtp::Peer{kHost, kIp}, {bob_transaction()}, without_tls};
}

TEST(DestinationFsmTls, HandshakeFailureRetriesTheSameAddressWithoutTls) {
  DestinationFsm fsm = connected_fsm();
  EXPECT_EQ(fsm.next_action(), DestinationAction(run_session(false)));
  fsm.on_session(tls_failed_outcome());
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{kHost, kIp, 25}));
  fsm.on_connected();
  EXPECT_EQ(fsm.next_action(), DestinationAction(run_session(true)));
  fsm.on_session(delivered_outcome());
  const DestinationAction finish = fsm.next_action();
  ASSERT_TRUE(std::holds_alternative<Finish>(finish));
  ASSERT_EQ(std::get<Finish>(finish).results.size(), 1u);
  EXPECT_EQ(std::get<Finish>(finish).results[0].status, RecipientStatus::delivered);
}

// The retry is made once: a second TLS failure report (which a session without TLS cannot
// produce) must not loop on the same address.
TEST(DestinationFsmTls, RetryInClearHappensOnlyOnce) {
  DestinationFsm fsm = connected_fsm();
  fsm.on_session(tls_failed_outcome());
  fsm.on_connected();
  EXPECT_EQ(fsm.next_action(), DestinationAction(run_session(true)));
  fsm.on_session(tls_failed_outcome());
  const DestinationAction finish = fsm.next_action();
  ASSERT_TRUE(std::holds_alternative<Finish>(finish)) << finish;
  EXPECT_EQ(std::get<Finish>(finish).results.at(0).status, RecipientStatus::deferred);
}

TEST(DestinationFsmTls, RetryConnectFailureMovesOn) {
  DestinationFsm fsm = connected_fsm();
  fsm.on_session(tls_failed_outcome());
  EXPECT_EQ(fsm.next_action(), DestinationAction(Connect{kHost, kIp, 25}));
  fsm.on_connect_failed(make_error_code(Errc::connection_refused), "connection refused");
  const DestinationAction finish = fsm.next_action();
  ASSERT_TRUE(std::holds_alternative<Finish>(finish)) << finish;
  EXPECT_EQ(std::get<Finish>(finish).results.at(0).status, RecipientStatus::deferred);
}

}  // namespace
}  // namespace smtpsend::delivery
