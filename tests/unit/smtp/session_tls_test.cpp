// STARTTLS (RFC 3207) under each TLS policy, played by the SessionScript harness: whole, byte by
// byte, split at every offset, and with EOF / I/O error / timeout at every step.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

constexpr char kStartTls[] = "STARTTLS\r\n";
constexpr char kGoAhead[] = "220 2.0.0 Ready to start TLS\r\n";
constexpr char kEhloStartTls[] =
    "250-mx.example.net hello\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
constexpr char kEhloAfterTls[] = "250-mx.example.net hello\r\n250 8BITMIME\r\n";
constexpr char kRcptBob[] = "RCPT TO:<bob@example.net>\r\n";

SessionConfig config_with(TlsPolicy policy) {
  SessionConfig config = test_config();
  config.tls = policy;
  return config;
}

// Greeting, EHLO offering STARTTLS, STARTTLS and its 220.
SessionScript up_to_go_ahead(TlsPolicy policy) {
  SessionScript script(config_with(policy), {transaction({"bob@example.net"})});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloStartTls).expect_write(kStartTls);
  return script;
}

// Without pipelining: one command, one reply (the post-TLS EHLO offers no PIPELINING).
SessionScript& deliver_one_by_one(SessionScript& script) {
  script.expect_write(kMailFrom)
      .reply("250 2.1.0 Ok\r\n")
      .expect_write(kRcptBob)
      .reply("250 2.1.5 Ok\r\n")
      .expect_write(kData)
      .reply("354 go\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 2.0.0 queued\r\n")
      .expect_write(kQuit)
      .expect_close();
  return script;
}

ExpectedRecipient policy_failure() {
  return outcome("bob@example.net", RecipientStatus::failed, FailureCause::policy, true, 0);
}

TEST(SessionTls, StartTlsThenEhloAgainThenDelivered) {
  for (const TlsPolicy policy :
       {TlsPolicy::opportunistic, TlsPolicy::required, TlsPolicy::verify}) {
    SCOPED_TRACE(std::string(to_string(policy)));
    SessionScript script = up_to_go_ahead(policy);
    script.reply(kGoAhead).expect_start_tls().expect_write(kEhlo).reply(kEhloAfterTls);
    deliver_one_by_one(script).expect_done({delivered("bob@example.net")});
    run(script);
  }
}

// PIPELINING was offered in clear only: after TLS it must not be used (RFC 3207 §4.2), so MAIL
// goes out alone, not in a pipelined group with RCPT and DATA.
TEST(SessionTls, CapabilitiesFromBeforeTlsAreForgotten) {
  SessionScript script = up_to_go_ahead(TlsPolicy::opportunistic);
  script.reply(kGoAhead).expect_start_tls().expect_write(kEhlo).reply(kEhloPlain);
  deliver_one_by_one(script).expect_done([](const SessionOutcome& outcome) {
    EXPECT_FALSE(outcome.capabilities.pipelining);
    EXPECT_FALSE(outcome.capabilities.starttls);
    EXPECT_TRUE(outcome.tls_failure.empty());
  });
  run(script);
}

// CVE-2011-0411: a reply pipelined behind the 220 (in the same read or a later one before
// StartTls is acted on — the harness splits the reply at every offset) is never processed: it is
// dropped, and the session goes on under TLS with a new EHLO (SPEC.md "Protocol duties").
TEST(SessionTls, BytesAfterGoAheadAreDiscardedAndTheSessionGoesOnUnderTls) {
  SessionScript script = up_to_go_ahead(TlsPolicy::opportunistic);
  script.reply("220 go ahead\r\n250 injected\r\n")
      .expect_start_tls()
      .expect_write(kEhlo)
      .reply(kEhloAfterTls)
      .expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionTls, InjectedBytesInALaterReadBeforeStartTlsAreDiscardedAndSaid) {
  RecordingTranscript transcript;
  Session session(config_with(TlsPolicy::required), {transaction({"bob@example.net"})},
                  &transcript);
  session.on_bytes(kGreeting);
  session.next_action();
  session.on_written();
  session.on_bytes(kEhloStartTls);
  session.next_action();
  session.on_written();
  session.on_bytes(kGoAhead);
  EXPECT_EQ(session.next_action(), Action{StartTls{}});
  session.on_bytes("250 injected\r\n");
  EXPECT_EQ(session.next_action(), Action{StartTls{}});
  EXPECT_EQ(transcript.lines.back(),
            "I: discarded 14 bytes the server sent after its 220 reply to STARTTLS, before the "
            "TLS handshake (CVE-2011-0411)");
  session.on_tls_established("TLSv1.3");
  EXPECT_EQ(session.next_action(), Action(Write{kEhlo, Stage::ehlo}));
  session.on_written();
  // Nothing of the injected reply survives: the next reply is read as EHLO's.
  session.on_bytes(kEhloAfterTls);
  EXPECT_EQ(session.next_action(), Action(Write{kMailFrom, Stage::mail}));
}

TEST(SessionTls, MandatoryPolicyWithoutStartTlsFailsBeforeMail) {
  for (const TlsPolicy policy : {TlsPolicy::required, TlsPolicy::verify}) {
    SCOPED_TRACE(std::string(to_string(policy)));
    SessionScript script(config_with(policy), {transaction({"bob@example.net"})});
    script.reply(kGreeting)
        .expect_write(kEhlo)
        .reply(kEhloPipelining)
        .expect_write(kQuit)
        .expect_close()
        .expect_done([](const SessionOutcome& outcome) {
          ASSERT_EQ(outcome.recipients.size(), 1u);
          const RecipientResult& bob = outcome.recipients[0].result;
          EXPECT_EQ(bob.status, RecipientStatus::failed);
          EXPECT_EQ(bob.cause, FailureCause::policy);
          EXPECT_TRUE(outcome.recipients[0].final);
          EXPECT_EQ(bob.diag.error, make_error_code(Errc::tls_unavailable));
          EXPECT_NE(bob.diag.detail.find("does not offer STARTTLS"), std::string::npos);
        });
    run(script);
  }
}

TEST(SessionTls, MandatoryPolicyAfterHeloFallbackFailsBeforeMail) {
  SessionScript script(config_with(TlsPolicy::required), {transaction({"bob@example.net"})});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("502 5.5.2 what\r\n")
      .expect_write(kHelo)
      .reply("250 mx.example.net\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({policy_failure()});
  run(script);
}

TEST(SessionTls, NonePolicyIgnoresStartTls) {
  SessionScript script(config_with(TlsPolicy::none), {transaction({"bob@example.net"})});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloPlain);
  deliver_one_by_one(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionTls, OpportunisticWithoutStartTlsDeliversInClear) {
  SessionScript script(config_with(TlsPolicy::opportunistic), {transaction({"bob@example.net"})});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloPlain);
  deliver_one_by_one(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionTls, OpportunisticHandshakeFailureAbandonsHostForARetryInClear) {
  SessionScript script = up_to_go_ahead(TlsPolicy::opportunistic);
  script.reply(kGoAhead).expect_start_tls_then_failure().expect_close().expect_done(
      [](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, RecipientStatus::deferred);
        EXPECT_EQ(bob.result.cause, FailureCause::temporary);
        EXPECT_FALSE(bob.final);
        EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::tls_handshake_failed));
        EXPECT_EQ(
            outcome.tls_failure.rfind("TLS handshake with mx.example.net[192.0.2.1] failed", 0), 0u)
            << outcome.tls_failure;
      });
  run(script);
}

TEST(SessionTls, MandatoryHandshakeFailureFailsForPolicy) {
  for (const TlsPolicy policy : {TlsPolicy::required, TlsPolicy::verify}) {
    SCOPED_TRACE(std::string(to_string(policy)));
    SessionScript script = up_to_go_ahead(policy);
    script.reply(kGoAhead).expect_start_tls_then_failure().expect_close().expect_done(
        [](const SessionOutcome& outcome) {
          ASSERT_EQ(outcome.recipients.size(), 1u);
          EXPECT_EQ(outcome.recipients[0].result.cause, FailureCause::policy);
          EXPECT_EQ(outcome.recipients[0].result.status, RecipientStatus::failed);
          EXPECT_TRUE(outcome.recipients[0].final);
          EXPECT_TRUE(outcome.tls_failure.empty()) << "no retry in clear under a mandatory policy";
        });
    run(script);
  }
}

// RFC 3207 §4: after a refused STARTTLS the client may go on in clear; MAIL then follows on
// the same connection (the pre-TLS capabilities, PIPELINING included, still hold).
TEST(SessionTls, OpportunisticRefusedStartTlsContinuesInClear) {
  for (const char* refusal : {"454 4.7.0 TLS not available\r\n", "502 5.5.1 no\r\n"}) {
    SCOPED_TRACE(refusal);
    SessionScript script = up_to_go_ahead(TlsPolicy::opportunistic);
    script.reply(refusal)
        .expect_write(kMailFrom)
        .expect_write(kRcptBob)
        .expect_write(kData)
        .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n")
        .expect_write(kBodyOnWire)
        .expect_write(kQuit)
        .reply("250 2.0.0 queued\r\n")
        .expect_close()
        .expect_done({delivered("bob@example.net")});
    run(script);
  }
}

TEST(SessionTls, RequiredWith4xxToStartTlsDefersForTheNextHost) {
  SessionScript script = up_to_go_ahead(TlsPolicy::required);
  script.reply("454 4.7.0 TLS not available\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", RecipientStatus::deferred, FailureCause::temporary,
                            false, 454)});
  run(script);
}

TEST(SessionTls, RequiredWith5xxToStartTlsFailsForPolicy) {
  SessionScript script = up_to_go_ahead(TlsPolicy::required);
  script.reply("554 5.7.3 no TLS for you\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", RecipientStatus::failed, FailureCause::policy, true, 554)});
  run(script);
}

TEST(SessionTls, ImplicitTlsNeverSendsStartTls) {
  SessionConfig config = config_with(TlsPolicy::verify);
  config.implicit_tls = true;
  SessionScript script(config, {transaction({"bob@example.net"})});
  script.expect_start_tls().reply(kGreeting).expect_write(kEhlo).reply(kEhloStartTls);
  // PIPELINING is offered here, so the transaction goes out as one group.
  script.expect_write(std::string(kMailFrom) + kRcptBob + kData)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionTls, StartTlsIsAskedOnceEvenIfOfferedAgainAfterTls) {
  SessionScript script = up_to_go_ahead(TlsPolicy::required);
  script.reply(kGoAhead).expect_start_tls().expect_write(kEhlo).reply(
      "250-mx.example.net\r\n250 STARTTLS\r\n");
  deliver_one_by_one(script).expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(TlsPolicyNames, RoundTrip) {
  for (const TlsPolicy policy :
       {TlsPolicy::none, TlsPolicy::opportunistic, TlsPolicy::required, TlsPolicy::verify}) {
    EXPECT_EQ(tls_policy_from_string(to_string(policy)), policy);
  }
  EXPECT_EQ(tls_policy_from_string("encrypt"), std::nullopt);
  EXPECT_FALSE(tls_mandatory(TlsPolicy::opportunistic));
  EXPECT_TRUE(tls_mandatory(TlsPolicy::verify));
}

}  // namespace
}  // namespace smtpsend::smtp::testing
