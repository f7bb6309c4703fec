// smtp::Session against servers that reply out of turn: a reply to end of data before the final
// dot is written (SPEC.md "Protocol duties"), 421 at any stage (RFC 5321 §3.8), 503 to commands
// pipelined behind the final dot (RFC 2920 §3.1, as Haraka answers), and the reply count that
// lets the transport keep one deadline per reply.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;

// 39 bytes of body, written 16 at a time: the final dot goes in the third data Write.
constexpr char kLongBody[] = "Subject: hi\r\n\r\n0123456789\r\nabcdefghij\r\n";
constexpr char kEhloChunking[] = "250-mx.example.net hello\r\n250-PIPELINING\r\n250 CHUNKING\r\n";

SessionConfig small_writes() {
  SessionConfig config = test_config();
  config.settings.max_write = 16;
  return config;
}

// Up to the first data block of kLongBody (the 354 has been read).
SessionScript in_the_middle_of_data() {
  SessionScript script = after_ehlo({transaction({"bob@example.net"}, kLongBody)},
                                    kEhloPipelining, small_writes());
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kLongBody).substr(0, 16));
  return script;
}

TEST(SessionHostile, A2xxBeforeTheFinalDotIsAViolationNotADelivery) {
  SessionScript script = in_the_middle_of_data();
  script.reply_during_write("250 2.0.0 premature\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, Status::deferred);
        EXPECT_EQ(bob.result.cause, Cause::protocol);
        EXPECT_FALSE(bob.final);
        EXPECT_FALSE(bob.result.may_duplicate);
        EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::reply_before_end_of_data));
        EXPECT_EQ(bob.result.diag.detail,
                  "the server replied 250 before the end of the message data "
                  "(mx.example.net[192.0.2.1])");
      });
  run(script);
}

// Read beside the data but handled after the write before it completed: still before the dot.
TEST(SessionHostile, A2xxBetweenTwoDataWritesIsAViolation) {
  SessionScript script = in_the_middle_of_data();
  script.reply_between_writes("250 2.0.0 premature\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::protocol, false, 0)});
  run(script);
}

// The reply to a final dot whose write has just completed is the verdict, even when the QUIT
// (or the next transaction) behind the dot is not written yet.
TEST(SessionHostile, TheDotsReplyBeforeTheTrailerIsWrittenIsTheVerdict) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply_between_writes("250 2.0.0 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionHostile, A2xxWhileTheFinalDotIsWrittenMayDuplicateButIsNotDelivered) {
  SessionScript script = in_the_middle_of_data();
  script.expect_write(std::string(kLongBody).substr(16, 16))
      .reply_during_write("250 2.0.0 premature\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, Status::deferred);
        EXPECT_EQ(bob.result.cause, Cause::protocol);
        EXPECT_TRUE(bob.result.may_duplicate);
      });
  run(script);
}

TEST(SessionHostile, A5xxBeforeTheFinalDotIsThatReplysVerdict) {
  SessionScript script = in_the_middle_of_data();
  script.reply_during_write("552 5.3.4 message too big\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 552)});
  run(script);
}

TEST(SessionHostile, A4xxBeforeTheFinalDotLetsTheNextHostTry) {
  SessionScript script = in_the_middle_of_data();
  script.reply_during_write("451 4.3.0 out of space\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, false, 451)});
  run(script);
}

TEST(SessionHostile, AnEarlyRefusalLeavesLaterMessagesForTheNextHost) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}, kLongBody), transaction({"carol@example.net"}, kBody, 1)},
      kEhloPipelining, small_writes());
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kLongBody).substr(0, 16))
      .reply_during_write("554 5.7.1 no\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        EXPECT_EQ(outcome.recipients[0].result.status, Status::failed);
        const RecipientOutcome& carol = outcome.recipients[1];
        EXPECT_EQ(carol.result.status, Status::deferred);
        EXPECT_FALSE(carol.final);
        EXPECT_EQ(carol.result.diag.error, make_error_code(Errc::reply_before_end_of_data));
      });
  run(script);
}

TEST(SessionHostile, A2xxBeforeTheLastBdatOctetIsAViolation) {
  SessionScript script(small_writes(), {transaction({"bob@example.net"}, kLongBody)});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloChunking);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net"))
      .reply("250 ok\r\n250 ok\r\n")
      .expect_write("BDAT 39 LAST\r\n" + std::string(kLongBody).substr(0, 16))
      .reply_during_write("250 2.0.0 premature\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        EXPECT_EQ(outcome.recipients[0].result.status, Status::deferred);
        EXPECT_EQ(outcome.recipients[0].result.cause, Cause::protocol);
      });
  run(script);
}

// RFC 3030 §4.2: a small message's BDAT goes with its envelope; the MAIL and RCPT replies may
// come while the chunk is still being written, and are not early.
TEST(SessionHostile, EnvelopeRepliesDuringAChunkAreOnTime) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}, kLongBody)}, kEhloChunking);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + "BDAT 39 LAST\r\n")
      .reply_during_write("250 ok\r\n250 ok\r\n")
      .expect_write(kQuit)
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionHostile, TheFinalDotsWriteEndsAtTheDot) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n");
  Session session(script.config(), script.transactions());
  message::ContentSlices body;
  for (const auto& step : script.steps()) {
    if (step.kind == SessionScript::StepKind::reply) {
      session.on_bytes(step.bytes);
    } else {
      while (std::holds_alternative<Write>(session.next_action())) session.on_written();
    }
  }
  Write dot{kBodyOnWire, Stage::data_block, true};
  dot.ends_data = EndOfData{0, {"bob@example.net"}};
  EXPECT_EQ(next_answering_body(session, body), Action(dot));
  session.on_written();
  EXPECT_EQ(session.next_action(), Action(Write{kQuit, Stage::quit}));
}

// ---- 421: the server is closing the channel (RFC 5321 §3.8) ----

TEST(SessionHostile, A421ToOneRcptEndsTheConnectionForEveryoneNotDelivered) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net", "dave@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("421 4.7.0 too many connections\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", Status::deferred, Cause::temporary, false, 421),
           outcome("carol@example.net", Status::deferred, Cause::temporary, false, 421),
           outcome("dave@example.net", Status::deferred, Cause::temporary, false, 421)});
  run(script);
}

TEST(SessionHostile, A421ToEndOfDataLetsTheNextHostTry) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("421 4.3.2 shutting down\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, false, 421)});
  run(script);
}

// A per-connection message limit: the first message is delivered, the one riding behind it
// meets 421 and goes on (not final) to a new connection.
TEST(SessionHostile, A421AfterADeliveryKeepsTheDeliveryAndDefersTheRest) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1)},
      kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 queued 1\r\n421 4.7.0 too many messages on this connection\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net"),
                    outcome("carol@example.net", Status::deferred, Cause::temporary, false, 421,
                            1)});
  run(script);
}

// ---- 503 to commands riding behind the final dot (Haraka) ----

TEST(SessionHostile, RefusedRidingIsSentAgainAfterTheDotsReply) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1),
       transaction({"dave@example.net"}, "Third\r\n", 2)},
      kEhloPipelining);
  const std::string refused = "503 5.5.0 pipelined after end of DATA\r\n";
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 queued 1\r\n")
      .reply(refused + refused + refused)
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 reset\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      // Nothing rides any more: dave's commands wait for carol's reply.
      .expect_write("Second\r\n.\r\n")
      .reply("250 queued 2\r\n")
      .expect_write(std::string(kMailFrom) + rcpt("dave@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write("Third\r\n.\r\n")
      .reply("250 queued 3\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net", 1),
                    delivered("dave@example.net", 2)});
  run(script);
}

TEST(SessionHostile, A503ToARiddenRcptAfterAnAcceptedMailIsAlsoARefusedRide) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1)},
      kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 queued 1\r\n250 ok\r\n503 5.5.1 bad sequence\r\n354 go ahead\r\n")
      .expect_write(".\r\n")
      .reply("554 no valid recipients\r\n")
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 reset\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write("Second\r\n.\r\n")
      .reply("250 queued 2\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net", 1)});
  run(script);
}

// A 503 to a command that did not ride is the server's answer as usual.
TEST(SessionHostile, A503ToAnOrdinaryMailIsStillARefusal) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("503 5.5.1 bad sequence\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 503)});
  run(script);
}

// ---- one deadline per reply ----

TEST(SessionHostile, ReadsOfOneReplyShareItsNumberAndTheNextReplyGetsANewOne) {
  Session session(test_config(), {transaction({"bob@example.net"})});
  EXPECT_EQ(session.next_action(), Action(Read{Stage::greeting, 0}));
  session.on_bytes("220-mx.example.net");
  EXPECT_EQ(session.next_action(), Action(Read{Stage::greeting, 0}));
  session.on_bytes(" ESMTP\r\n220 ready\r\n");
  EXPECT_EQ(session.next_action(), Action(Write{kEhlo, Stage::ehlo}));
  session.on_written();
  EXPECT_EQ(session.next_action(), Action(Read{Stage::ehlo, 1}));
  session.on_bytes("250-mx");
  EXPECT_EQ(session.next_action(), Action(Read{Stage::ehlo, 1}));
}

}  // namespace
}  // namespace smtpsend::smtp::testing
