// smtp::Session: the conversation itself — greeting, EHLO/HELO, transactions, pipelining, 452
// splitting, RSET and QUIT placement. Every script is also run split at every offset and with
// a failure injected at every step (support/session_script.hpp).
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;

TEST(Session, PlainTransactionIsOneCommandOneReply) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 2.1.0 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 2.1.5 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 2.0.0 queued as 1234\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientResult& bob = outcome.recipients[0].result;
        EXPECT_EQ(bob.status, Status::delivered);
        ASSERT_TRUE(bob.diag.reply);
        EXPECT_EQ(*bob.diag.reply, (ServerReply{250, "2.0.0", "queued as 1234"}));
        EXPECT_EQ(bob.diag.stage, "after end of data");
        EXPECT_TRUE(outcome.capabilities.esmtp);
        EXPECT_FALSE(outcome.capabilities.pipelining);
      });
  run(script);
}

TEST(Session, PipelinedGroupAndQuitRideWithTheFinalDot) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net"})}, kEhloPipelining);
  script
      .expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + rcpt("carol@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net")});
  run(script);
}

TEST(Session, PipelinedRepliesMayArriveOneByOne) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n")
      .reply("250 ok\r\n")
      .reply("354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n221 bye\r\n")  // the 221 to the pipelined QUIT is not a violation
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(Session, PipelinedGroupIsCutIntoBoundedWrites) {
  SessionConfig config = test_config();
  config.settings.max_write = 16;  // the harness checks every Write against it
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net"})}, kEhloPipelining, config);
  script
      .expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + rcpt("carol@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net")});
  run(script);
}

TEST(Session, PipeliningOfferedButDisabledByConfig) {
  SessionConfig config = test_config();
  config.settings.use_pipelining = false;
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining, config);
  script.expect_write(kMailFrom)
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

TEST(Session, HeloFallbackAfterEhloRefused) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("500 5.5.1 unrecognized command\r\n")
      .expect_write(kHelo)
      .reply("250 mx.example.net\r\n")
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
      .expect_done([](const SessionOutcome& outcome) {
        EXPECT_EQ(outcome.capabilities, Capabilities{});
        ASSERT_EQ(outcome.recipients.size(), 1u);
        EXPECT_EQ(outcome.recipients[0].result.status, Status::delivered);
      });
  run(script);
}

TEST(Session, TransientGreetingDefersEveryoneForTheNextHost) {
  SessionScript script(test_config(), {transaction({"bob@example.net", "carol@example.net"}),
                                       transaction({"dave@example.net"}, kBody, 1)});
  script.reply("421 4.3.2 busy, try later\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", Status::deferred, Cause::temporary, false, 421),
           outcome("carol@example.net", Status::deferred, Cause::temporary, false, 421),
           outcome("dave@example.net", Status::deferred, Cause::temporary, false, 421, 1)});
  run(script);
}

TEST(Session, PermanentGreetingFailsTheDestination) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply("554 5.7.1 go away\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, Status::failed);
        EXPECT_EQ(bob.result.cause, Cause::permanent);
        EXPECT_TRUE(bob.final);
        EXPECT_EQ(*bob.result.diag.reply, (ServerReply{554, "5.7.1", "go away"}));
        EXPECT_EQ(bob.result.diag.stage, "while waiting for the greeting");
        EXPECT_EQ(bob.result.diag.host, "mx.example.net");
        EXPECT_EQ(bob.result.diag.ip, "192.0.2.1");
      });
  run(script);
}

TEST(Session, TransientEhloDefersForTheNextHost) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, "421 4.7.0 later\r\n");
  script.expect_write(kQuit).expect_close().expect_done(
      {outcome("bob@example.net", Status::deferred, Cause::temporary, false, 421)});
  run(script);
}

TEST(Session, PermanentHeloFailsTheDestination) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("502 not implemented\r\n")
      .expect_write(kHelo)
      .reply("550 5.7.1 not you\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 550)});
  run(script);
}

TEST(Session, TransientHeloDefersForTheNextHost) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("500 what\r\n")
      .expect_write(kHelo)
      .reply("421 closing\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, false, 421)});
  run(script);
}

TEST(Session, TransientMailDefersThisAndEveryLaterMessage) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)});
  script.expect_write(kMailFrom)
      .reply("451 4.3.0 try later\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", Status::deferred, Cause::temporary, false, 451),
           outcome("carol@example.net", Status::deferred, Cause::temporary, false, 451, 1)});
  run(script);
}

TEST(Session, PermanentMailFailsThisMessageAndResetsForTheNext) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)});
  script.expect_write(kMailFrom)
      .reply("550 5.7.1 sender refused\r\n")
      .expect_write("RSET\r\n")
      .reply("250 ok\r\n")
      .expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 550),
                    delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, PermanentMailWhilePipeliningReadsTheWholeGroupThenResets) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)},
                 kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("550 5.7.1 sender refused\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n")
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 550),
                    delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, EachRecipientGetsItsOwnReply) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net", "dave@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("550 5.1.1 no such user\r\n")
      .expect_write(rcpt("dave@example.net"))
      .reply("450 4.2.1 mailbox busy\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net"),
                    outcome("carol@example.net", Status::failed, Cause::rcpt_rejected, true, 550),
                    outcome("dave@example.net", Status::deferred, Cause::temporary, true, 450)});
  run(script);
}

TEST(Session, NoRecipientAcceptedSendsNoData) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("550 5.1.1 no such user\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::rcpt_rejected, true, 550)});
  run(script);
}

TEST(Session, NoRecipientAcceptedWhilePipeliningTakesTheDataRefusal) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid recipients\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::rcpt_rejected, true, 550)});
  run(script);
}

TEST(Session, UnwantedGoAheadGetsAnEmptyMessage) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)},
                 kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n550 5.1.1 no such user\r\n354 go ahead anyway\r\n")
      .expect_write(".\r\n")
      .reply("250 whatever\r\n")  // ignored: nobody was accepted
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::rcpt_rejected, true, 550),
                    delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, TooManyRecipientsMoveToAFurtherTransaction) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net", "dave@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("452 4.5.3 too many recipients\r\n")
      .expect_write(rcpt("dave@example.net"))
      .reply("452 4.5.3 too many recipients\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued 1\r\n")
      // A completed transaction needs no RSET (RFC 5321 §4.1.1.5).
      .expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("250 ok\r\n")
      .expect_write(rcpt("dave@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued 2\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 3u);
        for (const RecipientOutcome& r : outcome.recipients) {
          EXPECT_EQ(r.result.status, Status::delivered) << ::testing::PrintToString(r);
        }
        EXPECT_EQ(outcome.recipients[0].result.diag.reply->text, "queued 1");
        EXPECT_EQ(outcome.recipients[2].result.diag.reply->text, "queued 2");
      });
  run(script);
}

TEST(Session, TooManyRecipientsWhilePipeliningSplitsToo) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net", "carol@example.net"})}, kEhloPipelining);
  script
      .expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + rcpt("carol@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n452 4.5.3 too many\r\n354 go ahead\r\n")
      // The further transaction for carol rides with the final dot (RFC 2920 §3.1).
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 queued 1\r\n")
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued 2\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"), delivered("carol@example.net")});
  run(script);
}

TEST(Session, TooManyRecipientsWithNobodyAcceptedIsDeferred) {
  SessionScript script = after_ehlo({transaction({"bob@example.net", "carol@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("452 4.3.1 insufficient storage\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("550 5.1.1 no such user\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, true, 452),
                    outcome("carol@example.net", Status::failed, Cause::rcpt_rejected, true, 550)});
  run(script);
}

TEST(Session, TransientDataDefersTheAcceptedForTheNextHost) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("451 4.3.0 not now\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, false, 451)});
  run(script);
}

TEST(Session, PermanentDataFailsAndTheNextMessageStartsWithRset) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)},
                 kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n554 5.6.0 no\r\n")
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 554),
                    delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, TransientEndOfDataIsFinal) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("451 4.3.0 queue full\r\n")
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::deferred, Cause::temporary, true, 451)});
  run(script);
}

TEST(Session, PermanentEndOfDataFails) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("554 5.7.1 spam\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::permanent, true, 554)});
  run(script);
}

TEST(Session, TwoMessagesShareTheConnectionWithoutRset) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"bob@example.net"}, "Second\r\n", 1)},
      kEhloPipelining);
  // RFC 2920 §3.1: the message content may open a group, so the next transaction's commands
  // ride with the final dot: one round trip per further message.
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("bob@example.net") + kData)
      .reply("250 queued 1\r\n")
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string("Second\r\n.\r\n") + kQuit)
      .reply("250 queued 2\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net", 0), delivered("bob@example.net", 1)});
  run(script);
}

TEST(Session, ARefusedMessageDoesNotStopTheOneRidingBehindIt) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1),
       transaction({"dave@example.net"}, "Third\r\n", 2)},
      kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("554 5.7.1 spam\r\n")
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string("Second\r\n.\r\n") + kMailFrom + rcpt("dave@example.net") + kData)
      .reply("451 4.3.0 try later\r\n")
      .reply("250 ok\r\n550 5.1.1 no dave\r\n554 no valid recipients\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", Status::failed, Cause::permanent, true, 554),
           outcome("carol@example.net", Status::deferred, Cause::temporary, true, 451, 1),
           outcome("dave@example.net", Status::failed, Cause::rcpt_rejected, true, 550, 2)});
  run(script);
}

TEST(Session, ANextMessageSmallEnoughForBdatWaitsAndGoesInOneWrite) {
  constexpr char kEhloChunking[] = "250-mx.example.net hello\r\n250-PIPELINING\r\n250 CHUNKING\r\n";
  const std::string bdat1 = "BDAT " + std::to_string(std::string(kBody).size()) + " LAST\r\n";
  const std::string bdat2 = "BDAT 8 LAST\r\n";
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1)},
      kEhloChunking);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + bdat1 + kBody)
      .reply("250 ok\r\n250 ok\r\n")
      .reply("250 queued 1\r\n")
      .expect_write(std::string(kMailFrom) + rcpt("carol@example.net") + bdat2 + "Second\r\n" +
                    kQuit)
      .reply("250 ok\r\n250 ok\r\n")
      .reply("250 queued 2\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net", 0), delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, TwoMessagesWithoutPipelining) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"carol@example.net"}, "Second\r\n", 1)});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued 1\r\n")
      .expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write("Second\r\n.\r\n")
      .reply("250 queued 2\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net", 0), delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, RsetAfterAnAbortedTransactionWithoutPipelining) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1)});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("550 5.1.1 no such user\r\n")
      .expect_write("RSET\r\n")
      .reply("250 2.0.0 ok\r\n")
      .expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("carol@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(kBodyOnWire)
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", Status::failed, Cause::rcpt_rejected, true, 550),
                    delivered("carol@example.net", 1)});
  run(script);
}

TEST(Session, RefusedRsetEndsTheSession) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), transaction({"carol@example.net"}, kBody, 1),
                  transaction({"dave@example.net"}, kBody, 2)},
                 kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n550 5.1.1 no such user\r\n554 no valid recipients\r\n")
      .expect_write(std::string("RSET\r\n") + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("421 4.3.0 shutting down\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done(
          {outcome("bob@example.net", Status::failed, Cause::rcpt_rejected, true, 550),
           outcome("carol@example.net", Status::deferred, Cause::temporary, false, 421, 1),
           outcome("dave@example.net", Status::deferred, Cause::temporary, false, 421, 2)});
  run(script);
}

TEST(Session, NoTransactionsStillSaysGoodbye) {
  SessionScript script = after_ehlo({});
  script.expect_write(kQuit).expect_close().expect_done(
      [](const SessionOutcome& outcome) { EXPECT_TRUE(outcome.recipients.empty()); });
  run(script);
}

TEST(Session, NullSenderAndMultilineRepliesWithBareLf) {
  Transaction bounce = transaction({"bob@example.net"});
  bounce.mail_from = "";
  SessionScript script(test_config(), {bounce});
  script.reply("220-mx.example.net\n220 welcome\n")
      .expect_write(kEhlo)
      .reply("250-mx.example.net\n250-SIZE\n250 PIPELINING\n")
      .expect_write("MAIL FROM:<> SIZE=22\r\n" + rcpt("bob@example.net") + kData)
      .reply("250 ok\n250 ok\n354 go\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250-queued\n250 as 1\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        EXPECT_EQ(outcome.recipients[0].result.diag.reply->text, "queued as 1");
        EXPECT_EQ(outcome.capabilities.size, 0u);
      });
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
