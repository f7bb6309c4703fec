// smtp::Session: what happens to the message itself — dot-stuffing, bounded data blocks, SIZE
// (RFC 1870), BODY=8BITMIME (RFC 6152) and refusals before MAIL FROM.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;

constexpr char kEhloSize[] = "250-mx.example.net\r\n250-PIPELINING\r\n250 SIZE 100\r\n";
constexpr char kEhloNo8Bit[] = "250-mx.example.net\r\n250 PIPELINING\r\n";

// An independent, obviously correct stuffer for input that is already canonical CRLF.
std::string stuffed_on_wire(const std::string& canonical) {
  std::string out;
  bool line_start = true;
  for (const char c : canonical) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (!line_start) out += "\r\n";
  return out + ".\r\n";
}

TEST(SessionMessage, LinesStartingWithADotAreStuffed) {
  const std::string body = "line 1\r\n.\r\nline 3\r\n..two dots\r\n.";
  SessionScript script = after_ehlo({transaction({"bob@example.net"}, body)}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write("line 1\r\n..\r\nline 3\r\n...two dots\r\n..\r\n.\r\n")
      .expect_write(kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionMessage, SmugglingPayloadCannotEndTheDataEarly) {
  // "\n.\n" and "\r\n.\r" are not end of data to us; normalised they become stuffed lines.
  const std::string body = "a\n.\nMAIL FROM:<evil@example>\r\n.\rb\r\n";
  SessionScript script = after_ehlo({transaction({"bob@example.net"}, body)}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write("a\r\n..\r\nMAIL FROM:<evil@example>\r\n..\r\nb\r\n.\r\n" + std::string(kQuit))
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionMessage, LargeMessageGoesInBoundedBlocks) {
  std::string body;
  for (int i = 0; i < 400; ++i)
    body += (i % 3 == 0 ? ".dotted line " : "plain line ") + std::to_string(i) + "\r\n";
  SessionConfig config = test_config();
  config.settings.max_write = 97;  // the harness checks every Write against it
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}, body)}, kEhloPipelining, config);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(stuffed_on_wire(body) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

// Driven by hand to look at each data Write: every line here grows from 2 to 4 bytes.
TEST(SessionMessage, DataBlocksNeverExceedMaxWriteWhenStuffingDoublesTheSize) {
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += ".\n";
  SessionConfig config = test_config();
  config.settings.max_write = 64;
  Session session(config, {transaction({"bob@example.net"}, lines)});
  message::ContentSlices body;
  auto drain_writes = [&session, &config, &body](Stage expected_stage) {
    std::string bytes;
    for (Action a = next_answering_body(session, body);
         std::holds_alternative<Write>(a) && std::get<Write>(a).stage == expected_stage;
         a = next_answering_body(session, body)) {
      const Write& write = std::get<Write>(a);
      EXPECT_LE(write.bytes.size(), config.settings.max_write);
      bytes += write.bytes;
      session.on_written();
    }
    return bytes;
  };
  session.on_bytes(kGreeting);
  EXPECT_EQ(drain_writes(Stage::ehlo), kEhlo);
  session.on_bytes(kEhloPipelining);
  EXPECT_EQ(drain_writes(Stage::mail), std::string(kMailFrom) + rcpt("bob@example.net") + kData);
  session.on_bytes("250 ok\r\n250 ok\r\n354 go ahead\r\n");
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += "..\r\n";
  EXPECT_EQ(drain_writes(Stage::data_block), expected + ".\r\n");
  EXPECT_EQ(drain_writes(Stage::quit), kQuit);  // its own write: the dot's write ends at the dot
  EXPECT_EQ(session.next_action(), Action(Read{Stage::end_of_data, 5}));
}

TEST(SessionMessage, SizeIsDeclaredWhenOffered) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloSize);
  script.expect_write("MAIL FROM:<alice@example.org> SIZE=22\r\n" + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionMessage, MessageOverTheSizeLimitFailsBeforeMail) {
  const std::string big(101, 'x');
  SessionScript script = after_ehlo({transaction({"bob@example.net", "carol@example.net"}, big),
                                     transaction({"dave@example.net"}, kBody, 1)},
                                    kEhloSize);
  script
      .expect_write("MAIL FROM:<alice@example.org> SIZE=22\r\n" + rcpt("dave@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 3u);
        for (std::size_t i = 0; i < 2; ++i) {
          const RecipientOutcome& r = outcome.recipients[i];
          EXPECT_EQ(r.result.status, Status::failed);
          EXPECT_EQ(r.result.cause, Cause::permanent);
          EXPECT_TRUE(r.final);
          EXPECT_FALSE(r.result.diag.reply);
          EXPECT_EQ(r.result.diag.error, make_error_code(Errc::message_too_large));
          EXPECT_EQ(r.result.diag.detail,
                    "message of 101 bytes exceeds the limit of 100 bytes of "
                    "mx.example.net[192.0.2.1]");
        }
        EXPECT_EQ(outcome.recipients[2].result.status, Status::delivered);
        EXPECT_EQ(outcome.capabilities.size, 100u);
      });
  run(script);
}

TEST(SessionMessage, OnlyMessageOverTheLimitSaysGoodbyeAtOnce) {
  const std::string big(101, 'x');
  SessionScript script = after_ehlo({transaction({"bob@example.net"}, big)}, kEhloSize);
  script.expect_write(kQuit).expect_close().expect_done(
      {{"bob@example.net", Status::failed, Cause::permanent, true, 0}});
  run(script);
}

TEST(SessionMessage, EightBitIsDeclared) {
  const std::string body = "Subject: caf\xc3\xa9\r\n\r\nna\xc3\xafve\r\n";
  Transaction t = transaction({"bob@example.net"}, body);
  t.eight_bit = true;
  SessionScript script = after_ehlo({t}, kEhloPipelining);
  script
      .expect_write("MAIL FROM:<alice@example.org> BODY=8BITMIME\r\n" + rcpt("bob@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(body + ".\r\n" + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionMessage, SizeAndBodyTogether) {
  Transaction t = transaction({"bob@example.net"});
  t.eight_bit = true;
  SessionScript script = after_ehlo({t}, "250-mx.example.net\r\n250-8BITMIME\r\n250 SIZE 1000\r\n");
  script.expect_write("MAIL FROM:<alice@example.org> SIZE=22 BODY=8BITMIME\r\n")
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

TEST(SessionMessage, EightBitWithout8BitMimeFailsBeforeMail) {
  Transaction eight = transaction({"bob@example.net"}, "caf\xc3\xa9\r\n");
  eight.eight_bit = true;
  SessionScript script =
      after_ehlo({eight, transaction({"carol@example.net"}, kBody, 1)}, kEhloNo8Bit);
  script.expect_write(std::string(kMailFrom) + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        const RecipientOutcome& bob = outcome.recipients[0];
        EXPECT_EQ(bob.result.status, Status::failed);
        EXPECT_EQ(bob.result.cause, Cause::message);
        EXPECT_FALSE(bob.final);  // another host may offer 8BITMIME
        EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::eight_bit_unsupported));
        EXPECT_EQ(bob.result.diag.detail,
                  "the message has 8-bit content and mx.example.net[192.0.2.1] does not offer "
                  "8BITMIME");
        EXPECT_EQ(outcome.recipients[1].result.status, Status::delivered);
      });
  run(script);
}

TEST(SessionMessage, EightBitAfterHeloFallbackFails) {
  Transaction eight = transaction({"bob@example.net"});
  eight.eight_bit = true;
  SessionScript script(test_config(), {eight});
  script.reply(kGreeting)
      .expect_write(kEhlo)
      .reply("554 no EHLO here\r\n")
      .expect_write(kHelo)
      .reply("250 ok\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({{"bob@example.net", Status::failed, Cause::message, false, 0}});
  run(script);
}

TEST(SessionMessage, LineBreakInAnEnvelopeAddressIsNeverSent) {
  Transaction t = transaction({"bob@example.net\r\nRCPT TO:<evil@example.net>"});
  SessionScript script = after_ehlo({t}, kEhloPipelining);
  script.expect_write(kQuit).expect_close().expect_done([](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    EXPECT_EQ(outcome.recipients[0].result.status, Status::failed);
    EXPECT_EQ(outcome.recipients[0].result.cause, Cause::message);
    EXPECT_EQ(outcome.recipients[0].result.diag.error, make_error_code(Errc::message_malformed));
  });
  run(script);
}

TEST(SessionMessage, EmptyMessageIsJustTheFinalDot) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"}, "")});
  script.expect_write(kMailFrom)
      .reply("250 ok\r\n")
      .expect_write(rcpt("bob@example.net"))
      .reply("250 ok\r\n")
      .expect_write(kData)
      .reply("354 go ahead\r\n")
      .expect_write(".\r\n")
      .reply("250 queued\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
