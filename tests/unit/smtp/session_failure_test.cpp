// smtp::Session when things go wrong: timeouts, lost connections, I/O errors and a server that
// breaks the protocol. Plus the transcript and the action API itself.
#include <gtest/gtest.h>

#include <sstream>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;

// A script at the point where the final dot of one message to bob has been written.
SessionScript after_final_dot(SessionConfig config = test_config()) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining, std::move(config));
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit);
  return script;
}

OutcomeCheck one_recipient(Status status, Cause cause, bool final, bool may_duplicate,
                           std::error_code error, std::string detail) {
  return [=](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const RecipientOutcome& r = outcome.recipients[0];
    EXPECT_EQ(r.result.status, status);
    EXPECT_EQ(r.result.cause, cause);
    EXPECT_EQ(r.final, final);
    EXPECT_EQ(r.result.may_duplicate, may_duplicate);
    EXPECT_EQ(r.result.diag.error, error);
    EXPECT_EQ(r.result.diag.detail, detail);
    EXPECT_FALSE(r.result.diag.reply);
  };
}

TEST(SessionFailure, TimeoutAfterEndOfDataMayDuplicate) {
  SessionScript script = after_final_dot();
  script.timeout().expect_close().expect_done(one_recipient(
      Status::deferred, Cause::temporary, true, true, make_error_code(Errc::stage_timeout),
      "no reply within 600 s after end of data (mx.example.net[192.0.2.1]); the message may "
      "have been delivered"));
  run(script);
}

TEST(SessionFailure, TimeoutAfterEndOfDataQuotesTheConfiguredTimeout) {
  SessionConfig config = test_config();
  config.settings.timeouts.every_stage = std::chrono::seconds{30};
  SessionScript script = after_final_dot(config);
  script.timeout().expect_close().expect_done(one_recipient(
      Status::deferred, Cause::temporary, true, true, make_error_code(Errc::stage_timeout),
      "no reply within 30 s after end of data (mx.example.net[192.0.2.1]); the message may "
      "have been delivered"));
  run(script);
}

TEST(SessionFailure, ConnectionLostAfterEndOfDataMayDuplicate) {
  SessionScript script = after_final_dot();
  script.eof().expect_close().expect_done(one_recipient(
      Status::deferred, Cause::temporary, true, true, make_error_code(Errc::connection_closed),
      "connection lost after end of data (mx.example.net[192.0.2.1]); the message may have "
      "been delivered"));
  run(script);
}

TEST(SessionFailure, IoErrorAfterEndOfDataMayDuplicate) {
  SessionScript script = after_final_dot();
  script.io_error().expect_close().expect_done(
      one_recipient(Status::deferred, Cause::temporary, true, true,
                    std::make_error_code(std::errc::connection_reset),
                    "connection lost after end of data (mx.example.net[192.0.2.1]); the message "
                    "may have been delivered"));
  run(script);
}

TEST(SessionFailure, TimeoutWaitingForRcptDefersForTheNextHost) {
  SessionScript script = after_ehlo({transaction({"bob@example.net", "carol@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("550 5.1.1 no such user\r\n")
      .expect_write(rcpt("carol@example.net"))
      .timeout()
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        // Settled before the timeout: keeps its result.
        EXPECT_EQ(outcome.recipients[0].result.status, Status::failed);
        EXPECT_EQ(outcome.recipients[0].result.diag.reply->code, 550);
        const RecipientOutcome& carol = outcome.recipients[1];
        EXPECT_EQ(carol.result.status, Status::deferred);
        EXPECT_EQ(carol.result.cause, Cause::temporary);
        EXPECT_FALSE(carol.final);
        EXPECT_FALSE(carol.result.may_duplicate);
        EXPECT_EQ(carol.result.diag.stage, "while sending RCPT TO");
        EXPECT_EQ(carol.result.diag.detail,
                  "no reply within 300 s while sending RCPT TO (mx.example.net[192.0.2.1])");
      });
  run(script);
}

TEST(SessionFailure, ConnectionClosedAtMail) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom).eof().expect_close().expect_done(one_recipient(
      Status::deferred, Cause::temporary, false, false, make_error_code(Errc::connection_closed),
      "connection closed while sending MAIL FROM (mx.example.net[192.0.2.1])"));
  run(script);
}

TEST(SessionFailure, TimeoutWaitingForTheGreeting) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.timeout().expect_close().expect_done(one_recipient(
      Status::deferred, Cause::temporary, false, false, make_error_code(Errc::stage_timeout),
      "no reply within 300 s while waiting for the greeting (mx.example.net[192.0.2.1])"));
  run(script);
}

TEST(SessionFailure, WriteTimeoutWhileSendingTheMessageIsNotYetADuplicate) {
  SessionConfig config = test_config();
  config.settings.max_write = 8;
  Session session(config, {transaction({"bob@example.net"})});
  message::ContentSlices body;
  session.on_bytes(kGreeting);
  while (std::holds_alternative<Write>(session.next_action())) session.on_written();
  session.on_bytes(kEhloPipelining);
  while (std::holds_alternative<Write>(session.next_action())) session.on_written();
  session.on_bytes("250 ok\r\n250 ok\r\n354 go ahead\r\n");
  const Action first_block = next_answering_body(session, body);
  ASSERT_EQ(first_block, Action(Write{"Subject:", Stage::data_block, true}));
  session.on_timeout();
  EXPECT_EQ(session.next_action(), Action{Close{}});
  const Action done = session.next_action();
  ASSERT_TRUE(std::holds_alternative<Done>(done));
  const RecipientOutcome& bob = std::get<Done>(done).outcome.recipients.at(0);
  EXPECT_EQ(bob.result.status, Status::deferred);
  EXPECT_FALSE(bob.result.may_duplicate);
  EXPECT_FALSE(bob.final);
  EXPECT_EQ(bob.result.diag.detail,
            "timed out after 180 s while sending the message (mx.example.net[192.0.2.1])");
}

TEST(SessionFailure, OversizedReplyLineIsAProtocolViolation) {
  const std::string huge = "250 " + std::string(kMaxReplyLineLength, 'x') + "\r\n";
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply(huge)
      // No QUIT: nothing this server says can be trusted any more.
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, Status::deferred);
        EXPECT_EQ(bob.result.cause, Cause::protocol);
        EXPECT_FALSE(bob.final);
        EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::reply_line_too_long));
        EXPECT_NE(bob.result.diag.detail.find("while sending MAIL FROM"), std::string::npos);
        EXPECT_NE(bob.result.diag.detail.find("mx.example.net[192.0.2.1]"), std::string::npos);
      });
  run(script);
}

TEST(SessionFailure, ReplyOfTooManyLinesIsAProtocolViolation) {
  std::string ehlo;
  for (std::size_t i = 0; i < kMaxReplyLines; ++i)
    ehlo += "250-X-FILLER" + std::to_string(i) + "\r\n";
  ehlo += "250 PIPELINING\r\n";
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, ehlo);
  script.expect_close().expect_done([](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    EXPECT_EQ(outcome.recipients[0].result.cause, Cause::protocol);
    EXPECT_EQ(outcome.recipients[0].result.diag.error, make_error_code(Errc::reply_too_many_lines));
    EXPECT_EQ(outcome.recipients[0].result.diag.stage, "while sending EHLO");
  });
  run(script);
}

TEST(SessionFailure, GarbageIsAProtocolViolation) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply("SSH-2.0-OpenSSH_9.2\r\n").expect_close().expect_done([](const SessionOutcome& o) {
    ASSERT_EQ(o.recipients.size(), 1u);
    EXPECT_EQ(o.recipients[0].result.status, Status::deferred);
    EXPECT_EQ(o.recipients[0].result.cause, Cause::protocol);
    EXPECT_FALSE(o.recipients[0].final);
    EXPECT_EQ(o.recipients[0].result.diag.error, make_error_code(Errc::reply_malformed));
  });
  run(script);
}

TEST(SessionFailure, UnexpectedExtraBytesAreAProtocolViolation) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})},
                                    "250 mx.example.net\r\n250 an extra reply\r\n");
  script.expect_close().expect_done([](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const RecipientOutcome& bob = outcome.recipients[0];
    EXPECT_EQ(bob.result.cause, Cause::protocol);
    EXPECT_FALSE(bob.final);
    EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::unexpected_reply));
  });
  run(script);
}

TEST(SessionFailure, ExtraReplyInAPipelinedGroupIsAProtocolViolation) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n250 what\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        EXPECT_EQ(outcome.recipients[0].result.cause, Cause::protocol);
        EXPECT_EQ(outcome.recipients[0].result.status, Status::deferred);
        // After the 354 the only reply due is end of data's: this one comes before any data.
        EXPECT_EQ(outcome.recipients[0].result.diag.error,
                  make_error_code(Errc::reply_before_end_of_data));
      });
  run(script);
}

TEST(SessionFailure, ImpossibleReplyCodesAreProtocolViolations) {
  for (const auto& [command, reply] : {std::pair<std::string, std::string>{"MAIL", "354 what\r\n"},
                                       {"greeting", "354 hello\r\n"}}) {
    SCOPED_TRACE(command);
    SessionScript script(test_config(), {transaction({"bob@example.net"})});
    if (command == "MAIL") {
      script.reply(kGreeting).expect_write(kEhlo).reply(kEhloPlain).expect_write(kMailFrom);
    }
    script.reply(reply).expect_close().expect_done([](const SessionOutcome& outcome) {
      ASSERT_EQ(outcome.recipients.size(), 1u);
      EXPECT_EQ(outcome.recipients[0].result.cause, Cause::protocol);
      EXPECT_EQ(outcome.recipients[0].result.diag.error, make_error_code(Errc::unexpected_reply));
      EXPECT_NE(outcome.recipients[0].result.diag.detail.find("unexpected reply 354"),
                std::string::npos);
    });
    run(script);
  }
}

TEST(SessionFailure, PositiveReplyToDataIsAProtocolViolation) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("250 sure\r\n")
      .expect_close()
      .expect_done({{"bob@example.net", Status::deferred, Cause::protocol, false, 0}});
  run(script);
}

TEST(SessionFailure, GarbageAfterTheFinalDotMayDuplicate) {
  SessionScript script = after_final_dot();
  script
      .reply("250 ok\r\nthis is not a reply\r\n")  // the 250 settles bob before the garbage
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
  SessionScript broken = after_final_dot();
  broken.reply("2x0 what\r\n").expect_close().expect_done([](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const RecipientOutcome& bob = outcome.recipients[0];
    EXPECT_EQ(bob.result.status, Status::deferred);
    EXPECT_EQ(bob.result.cause, Cause::protocol);
    EXPECT_TRUE(bob.result.may_duplicate);
    EXPECT_TRUE(bob.final);
  });
  run(broken);
}

TEST(SessionTranscript, ConversationIsRecordedLineByLine) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"})},
                 "250-mx.example.net hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  RecordingTranscript transcript;
  run_once(script, &transcript);
  const std::vector<std::string> expected = {
      "S: 220 mx.example.net ESMTP",
      "C: EHLO client.example",
      "S: 250-mx.example.net hello",
      "S: 250-PIPELINING",
      "S: 250 8BITMIME",
      "C: MAIL FROM:<alice@example.org>",
      "C: RCPT TO:<bob@example.net>",
      "C: DATA",
      "S: 250 ok",
      "S: 250 ok",
      "S: 354 go ahead",
      "I: <message data: 22 bytes>",
      "C: .",
      "C: QUIT",
      "S: 250 queued",
  };
  EXPECT_EQ(transcript.lines, expected);
  for (const std::string& peer : transcript.peers) EXPECT_EQ(peer, "mx.example.net");
}

TEST(SessionApi, NextActionIsIdempotentAndCloseLeadsToDone) {
  Session session(test_config(), {transaction({"bob@example.net"})});
  EXPECT_EQ(session.next_action(), Action{Read{Stage::greeting}});
  EXPECT_EQ(session.next_action(), Action{Read{Stage::greeting}});
  session.on_bytes("421 busy\r\n");
  EXPECT_EQ(session.next_action(), Action(Write{"QUIT\r\n", Stage::quit}));
  EXPECT_EQ(session.next_action(), Action(Write{"QUIT\r\n", Stage::quit}));
  session.on_written();
  EXPECT_EQ(session.next_action(), Action{Close{}});
  const Action done = session.next_action();
  ASSERT_TRUE(std::holds_alternative<Done>(done));
  EXPECT_EQ(session.next_action(), done);
  // Events after the end change nothing.
  session.on_bytes("250 late\r\n");
  session.on_eof();
  session.on_timeout();
  EXPECT_EQ(session.next_action(), done);
}

TEST(SessionApi, TlsEventsAreHarmlessAndStartTlsIsNeverAsked) {
  Session session(test_config(), {transaction({"bob@example.net"})});
  session.on_tls_established("TLSv1.3");
  session.on_tls_failed(make_error_code(Errc::tls_handshake_failed));
  EXPECT_EQ(session.next_action(), Action{Read{Stage::greeting}});
  session.on_bytes(kGreeting);
  EXPECT_EQ(session.next_action(), Action(Write{kEhlo, Stage::ehlo}));
  session.on_written();
  session.on_bytes("250-mx.example.net\r\n250 STARTTLS\r\n");
  EXPECT_EQ(session.next_action(), Action(Write{kMailFrom, Stage::mail}));
}

TEST(SessionApi, SessionCanBeMoved) {
  Session first(test_config(), {transaction({"bob@example.net"})});
  first.on_bytes(kGreeting);
  Session second = std::move(first);
  EXPECT_EQ(second.next_action(), Action(Write{kEhlo, Stage::ehlo}));
}

TEST(SessionApi, ActionsPrintReadably) {
  auto print = [](const Action& action) {
    std::ostringstream os;
    os << action;
    return os.str();
  };
  EXPECT_EQ(print(Action(Write{"MAIL FROM:<a@b>\r\n", Stage::mail})),
            "Write{mail, \"MAIL FROM:<a@b>\\r\\n\"}");
  EXPECT_EQ(print(Action(Write{std::string("\x01\xff", 2), Stage::data_block})),
            "Write{data_block, \"\\x01\\xff\"}");
  EXPECT_EQ(print(Read{Stage::rcpt, 4}), "Read{rcpt, reply 4}");
  EXPECT_EQ(print(Action(Write{"x", Stage::data_block, true})),
            "Write{data_block, \"x\", watching replies}");
  EXPECT_EQ(print(StartTls{}), "StartTls{}");
  EXPECT_EQ(print(Close{}), "Close{}");
  SessionOutcome outcome;
  RecipientOutcome bob;
  bob.result.address = "bob@example.net";
  bob.result.status = RecipientStatus::failed;
  bob.result.cause = FailureCause::rcpt_rejected;
  bob.result.diag.reply = ServerReply{550, "5.1.1", "no such user"};
  outcome.recipients.push_back(bob);
  EXPECT_EQ(print(Done{outcome}),
            "Done{1 recipients\n  [0] bob@example.net failed cause=rcpt_rejected final "
            "reply=550 5.1.1 \"no such user\"}");
  const std::string long_write = print(Action(Write{std::string(1000, 'a'), Stage::data_block}));
  EXPECT_NE(long_write.find("...(1000 bytes)"), std::string::npos);
  EXPECT_LT(long_write.size(), 250u);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
