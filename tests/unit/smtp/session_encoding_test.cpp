// smtp::Session: encodings on the wire — the 7-bit form for a server without 8BITMIME
// (RFC 6152 §3), SMTPUTF8 only when needed (RFC 6531 §3.4), A-labels in the envelope.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

using Status = RecipientStatus;
using Cause = FailureCause;

constexpr char kEightBit[] = "Subject: hi\r\n\r\ncaf\xc3\xa9\r\n";
constexpr char kSevenBit[] =
    "Subject: hi\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9\r\n";
constexpr char kEhloNo8Bit[] = "250-mx.example.net\r\n250-PIPELINING\r\n250 SIZE 1000\r\n";
constexpr char kEhlo8Bit[] = "250-mx.example.net\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
constexpr char kEhloUtf8[] =
    "250-mx.example.net\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n";

Transaction eight_bit_transaction() {
  Transaction t = transaction({"bob@example.net"}, kEightBit);
  t.eight_bit = true;
  t.seven_bit_content = kSevenBit;
  return t;
}

TEST(SessionEncoding, WithoutEightBitMimeTheSevenBitFormIsSent) {
  SessionScript script = after_ehlo({eight_bit_transaction()}, kEhloNo8Bit);
  script
      .expect_write("MAIL FROM:<alice@example.org> SIZE=" +
                    std::to_string(std::string_view(kSevenBit).size()) + "\r\n" +
                    rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kSevenBit) + ".\r\n" + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionEncoding, WithEightBitMimeTheMessageGoesAsItIs) {
  SessionScript script = after_ehlo({eight_bit_transaction()}, kEhlo8Bit);
  script
      .expect_write("MAIL FROM:<alice@example.org> BODY=8BITMIME\r\n" + rcpt("bob@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kEightBit) + ".\r\n" + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionEncoding, SevenBitFormWithChunking) {
  SessionScript script = after_ehlo({eight_bit_transaction()},
                                    "250-mx.example.net\r\n250-PIPELINING\r\n250 CHUNKING\r\n");
  script
      .expect_write("MAIL FROM:<alice@example.org>\r\n" + rcpt("bob@example.net") + "BDAT " +
                    std::to_string(std::string_view(kSevenBit).size()) + " LAST\r\n" + kSevenBit +
                    kQuit)
      .reply("250 ok\r\n250 ok\r\n")
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionEncoding, NotConvertibleFailsWith563BeforeMail) {
  Transaction t = eight_bit_transaction();
  t.seven_bit_content = {};
  t.seven_bit_error =
      "5.6.3 the message has 8-bit bytes in a header, which need SMTPUTF8 and "
      "cannot be converted to 7 bits";
  SessionScript script = after_ehlo({t}, kEhloNo8Bit);
  script.expect_write(kQuit).expect_close().expect_done([](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), 1u);
    const RecipientOutcome& bob = outcome.recipients[0];
    EXPECT_EQ(bob.result.status, Status::failed);
    EXPECT_EQ(bob.result.cause, Cause::message);
    EXPECT_FALSE(bob.final);
    EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::eight_bit_unsupported));
    EXPECT_EQ(bob.result.diag.detail,
              "5.6.3 the message has 8-bit bytes in a header, which need SMTPUTF8 and cannot be "
              "converted to 7 bits, as mx.example.net[192.0.2.1] does not offer 8BITMIME");
  });
  run(script);
}

TEST(SessionEncoding, SevenBitFormOverTheSizeLimitIsRefused) {
  Transaction t = eight_bit_transaction();
  const std::string big = std::string(kSevenBit) + std::string(1000, 'x') + "\r\n";
  t.seven_bit_content = big;
  SessionScript script = after_ehlo({t}, kEhloNo8Bit);
  script.expect_write(kQuit).expect_close().expect_done(
      {{"bob@example.net", Status::failed, Cause::permanent, true, 0}});
  run(script);
}

TEST(SessionEncoding, SmtpUtf8IsDeclaredWhenNeeded) {
  Transaction t = transaction({"j\xc3\xb6rg@example.net"}, kEightBit);
  t.eight_bit = true;
  t.needs_smtputf8 = true;
  SessionScript script = after_ehlo({t}, kEhloUtf8);
  script
      .expect_write("MAIL FROM:<alice@example.org> BODY=8BITMIME SMTPUTF8\r\n" +
                    rcpt("j\xc3\xb6rg@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kEightBit) + ".\r\n" + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("j\xc3\xb6rg@example.net")});
  run(script);
}

TEST(SessionEncoding, AUtf8RecipientAloneMakesTheTransactionDeclareIt) {
  SessionScript script = after_ehlo({transaction({"j\xc3\xb6rg@example.net"})}, kEhloUtf8);
  script
      .expect_write("MAIL FROM:<alice@example.org> SMTPUTF8\r\n" + rcpt("j\xc3\xb6rg@example.net") +
                    kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("j\xc3\xb6rg@example.net")});
  run(script);
}

// Without SMTPUTF8 only the UTF-8 recipient is refused (5.6.7, not final); the others of the
// same message get it in a transaction without SMTPUTF8.
TEST(SessionEncoding, WithoutSmtpUtf8OnlyTheUtf8RecipientIsRefused) {
  SessionScript script =
      after_ehlo({transaction({"j\xc3\xb6rg@example.net", "bob@example.net"})}, kEhlo8Bit);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        const RecipientOutcome& jorg = outcome.recipients[0];
        EXPECT_EQ(jorg.result.status, Status::failed);
        EXPECT_FALSE(jorg.final);
        EXPECT_EQ(jorg.result.diag.error, make_error_code(Errc::smtputf8_unsupported));
        EXPECT_EQ(outcome.recipients[1].result.status, Status::delivered);
      });
  run(script);
}

TEST(SessionEncoding, OnlyUtf8RecipientsLeftMeansNoTransactionAtAll) {
  SessionScript script = after_ehlo(
      {transaction({"bob@example.net"}), transaction({"j\xc3\xb6rg@example.net"}, kBody, 1)},
      kEhlo8Bit);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net"), outcome("j\xc3\xb6rg@example.net", Status::failed,
                                                          Cause::permanent, false, 0, 1)});
  run(script);
}

TEST(SessionEncoding, SmtpUtf8IsNotDeclaredWhenNotNeeded) {
  SessionScript script = after_ehlo({transaction({"bob@example.net"})}, kEhloUtf8);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

// RFC 6531 §3.6.4 gives 5.6.7; not final, so the destination tries its other hosts.
TEST(SessionEncoding, WithoutSmtpUtf8TheMessageFailsHereNotFinal) {
  Transaction utf8 = transaction({"j\xc3\xb6rg@example.net"});
  utf8.needs_smtputf8 = true;
  SessionScript script =
      after_ehlo({utf8, transaction({"carol@example.net"}, kBody, 1)}, kEhlo8Bit);
  script.expect_write(std::string(kMailFrom) + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        const RecipientOutcome& jorg = outcome.recipients[0];
        EXPECT_EQ(jorg.result.status, Status::failed);
        EXPECT_EQ(jorg.result.cause, Cause::permanent);
        EXPECT_FALSE(jorg.final);
        EXPECT_EQ(jorg.result.diag.error, make_error_code(Errc::smtputf8_unsupported));
        EXPECT_TRUE(jorg.result.diag.detail.starts_with("5.6.7 ")) << jorg.result.diag.detail;
        EXPECT_EQ(outcome.recipients[1].result.status, Status::delivered);
      });
  run(script);
}

TEST(SessionEncoding, EnvelopeGoesOutInWireFormOutcomesKeepTheWrittenForm) {
  Transaction t =
      transaction({"bob@b\xc3\xbc"
                   "cher.example",
                   "carol@example.net"});
  t.mail_from = "alice@m\xc3\xbcnchen.example";
  t.wire_mail_from = "alice@xn--mnchen-3ya.example";
  t.wire_recipients = {"bob@xn--bcher-kva.example", "carol@example.net"};
  SessionScript script = after_ehlo({t}, kEhloPipelining);
  script
      .expect_write("MAIL FROM:<alice@xn--mnchen-3ya.example>\r\n" +
                    rcpt("bob@xn--bcher-kva.example") + rcpt("carol@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n550 no such user\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@b\xc3\xbc"
                              "cher.example"),
                    outcome("carol@example.net", Status::failed, Cause::rcpt_rejected, true, 550)});
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
