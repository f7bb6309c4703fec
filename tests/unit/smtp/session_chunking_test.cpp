// CHUNKING (RFC 3030): BDAT LAST instead of DATA, pipelined with the envelope when the message
// is small, after the RCPT replies when it is large; no dot-stuffing. Played whole, byte by
// byte, split at every offset, and with EOF / I/O error / timeout at every step.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

constexpr char kEhloChunking[] =
    "250-mx.example.net hello\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n";
constexpr char kEhloChunkingOnly[] = "250-mx.example.net hello\r\n250 CHUNKING\r\n";
// A line starting with "." must go out as it is: BDAT counts octets, nothing is stuffed.
constexpr char kDotBody[] = "Subject: hi\r\n\r\n.leading dot\r\n..two\r\n";
constexpr char kRcptBob[] = "RCPT TO:<bob@example.net>\r\n";

std::string bdat(std::string_view content) {
  return "BDAT " + std::to_string(content.size()) + " LAST\r\n";
}

TEST(SessionChunking, SmallMessageRidesWithTheEnvelopeAndQuit) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}, kDotBody)}, kEhloChunking);
  script.expect_write(std::string(kMailFrom) + kRcptBob + bdat(kDotBody) + kDotBody + kQuit)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionChunking, WithoutPipeliningEachCommandWaitsButNo354) {
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}, kDotBody)}, kEhloChunkingOnly);
  script.expect_write(kMailFrom)
      .reply("250 2.1.0 Ok\r\n")
      .expect_write(kRcptBob)
      .reply("250 2.1.5 Ok\r\n")
      .expect_write(bdat(kDotBody) + kDotBody)
      .reply("250 2.0.0 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionChunking, LargeMessageWaitsForTheRecipientReplies) {
  SessionConfig config = test_config();
  config.settings.max_write = 16;  // the body no longer fits one write
  SessionScript script(config, {transaction({"bob@example.net"}, kDotBody)});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloChunking);
  script.expect_write(std::string(kMailFrom) + kRcptBob)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
      .expect_write(bdat(kDotBody) + kDotBody + kQuit)
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionChunking, LargeMessageToNobodyIsNeverSent) {
  SessionConfig config = test_config();
  config.settings.max_write = 16;
  SessionScript script(config, {transaction({"bob@example.net"}, kDotBody)});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloChunking);
  script.expect_write(std::string(kMailFrom) + kRcptBob)
      .reply("250 2.1.0 Ok\r\n550 5.1.1 no such user\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({outcome("bob@example.net", RecipientStatus::failed,
                            FailureCause::rcpt_rejected, true, 550)});
  run(script);
}

TEST(SessionChunking, RefusedRecipientsAndTheBdatReplyOfAPipelinedChunk) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net", "eve@example.net"}, kBody)}, kEhloChunking);
  script
      .expect_write(std::string(kMailFrom) + kRcptBob + rcpt("eve@example.net") + bdat(kBody) +
                    kBody + kQuit)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 eve unknown\r\n")
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"),
                    outcome("eve@example.net", RecipientStatus::failed,
                            FailureCause::rcpt_rejected, true, 550)});
  run(script);
}

TEST(SessionChunking, BdatRefusalIsTheTransactionsResult) {
  for (const auto& [reply, status, cause, code] :
       std::vector<std::tuple<std::string, RecipientStatus, FailureCause, int>>{
           {"452 4.3.1 insufficient storage\r\n", RecipientStatus::deferred,
            FailureCause::temporary, 452},
           {"554 5.6.0 message refused\r\n", RecipientStatus::failed, FailureCause::permanent,
            554}}) {
    SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloChunking);
    script.expect_write(std::string(kMailFrom) + kRcptBob + bdat(kBody) + kBody + kQuit)
        .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
        .reply(reply)
        .expect_close()
        .expect_done({outcome("bob@example.net", status, cause, true, code)});
    run(script);
  }
}

// Two messages: no QUIT after the first chunk, and no RSET between complete transactions.
TEST(SessionChunking, SecondMessageFollowsTheFirstChunksReply) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}, kBody, 0), transaction({"bob@example.net"}, kDotBody, 1)},
      kEhloChunking);
  script.expect_write(std::string(kMailFrom) + kRcptBob + bdat(kBody) + kBody)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
      .reply("250 2.0.0 first\r\n")
      .expect_write(std::string(kMailFrom) + kRcptBob + bdat(kDotBody) + kDotBody + kQuit)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
      .reply("250 2.0.0 second\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net", 0), delivered("bob@example.net", 1)});
  run(script);
}

TEST(SessionChunking, OffWhenDisabledOrNotOffered) {
  SessionConfig config = test_config();
  config.settings.use_chunking = false;
  SessionScript script(config, {transaction({"bob@example.net"})});
  script.reply(kGreeting).expect_write(kEhlo).reply(kEhloChunking);
  script.expect_write(std::string(kMailFrom) + kRcptBob + kData)
      .reply("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 2.0.0 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
