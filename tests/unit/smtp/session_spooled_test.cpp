// smtp::Session with a large message whose body is read from a spooled file while it is sent
// (message/content.hpp): the same bytes as an in-memory message, SIZE and BDAT announcing the
// canonical size, and a file that cannot be read any more ending the session without the final
// dot, so nothing is delivered and the recipients are deferred.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"
#include "support/spooled_body.hpp"

namespace smtpsend::smtp::testing {
namespace {

using smtpsend::testing::reference_canonical;
using smtpsend::testing::sizes;
using smtpsend::testing::spooled_body;

constexpr char kHead[] = "Subject: big\r\n\r\n.first\r\n";
// LF line ends and dot lines in the part left in the file.
constexpr char kTailRaw[] = "second\n.third\n..fourth\nlast line without a break";
constexpr char kEhloSizeChunking[] =
    "250-mx.example.net\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250 CHUNKING\r\n";
constexpr char kEhloSize[] = "250-mx.example.net\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n";

std::string whole_canonical() {
  return kHead + reference_canonical(kTailRaw);
}

// An independent stuffer for canonical input.
std::string stuffed(const std::string& canonical) {
  std::string out;
  bool line_start = true;
  for (const char c : canonical) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  return out + ".\r\n";
}

Transaction spooled_transaction(const message::SpooledBody& tail) {
  Transaction t = transaction({"bob@example.net"});
  t.content = message::ContentView(kHead, &tail);
  return t;
}

TEST(SessionSpooled, DataCarriesTheHeadThenTheCanonicalStuffedTail) {
  const auto tail = spooled_body(kTailRaw);
  SessionConfig config = test_config();
  config.settings.max_write = 13;  // many blocks, each slice crossing head and tail somewhere
  SessionScript script = after_ehlo({spooled_transaction(*tail)}, kEhloSize, config);
  script
      .expect_write(
          "MAIL FROM:<alice@example.org> SIZE=" + std::to_string(whole_canonical().size()) +
          "\r\n" + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(stuffed(whole_canonical()) + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionSpooled, BdatAnnouncesTheCanonicalSizeAndSendsItUnstuffed) {
  const auto tail = spooled_body(kTailRaw);
  SessionConfig config = test_config();
  config.settings.max_write = 16;
  SessionScript script = after_ehlo({spooled_transaction(*tail)}, kEhloSizeChunking, config);
  const std::string size = std::to_string(whole_canonical().size());
  script
      .expect_write("MAIL FROM:<alice@example.org> SIZE=" + size + "\r\n" + rcpt("bob@example.net"))
      .reply("250 ok\r\n250 ok\r\n")
      .expect_write("BDAT " + size + " LAST\r\n" + whole_canonical() + kQuit)
      .reply("250 queued\r\n")
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  run(script);
}

TEST(SessionSpooled, AFileThatShrankEndsTheSessionWithoutTheFinalDot) {
  // Loaded at 40 raw bytes; only 10 are left when it is sent.
  const auto tail = spooled_body("0123456789", sizes(40, 42));
  SessionScript script = after_ehlo({spooled_transaction(*tail)}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_close()  // the shortfall shows before the first block is full: nothing is sent
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 1u);
        const RecipientResult& r = outcome.recipients[0].result;
        EXPECT_EQ(r.status, RecipientStatus::deferred);
        EXPECT_TRUE(outcome.recipients[0].final) << "another host cannot be given it either";
        EXPECT_FALSE(r.may_duplicate);
        EXPECT_EQ(r.diag.error, make_error_code(Errc::input_unreadable));
        EXPECT_EQ(r.diag.detail,
                  "big.eml changed while it was being sent; the message was not sent to "
                  "mx.example.net[192.0.2.1]");
      });
  run(script);
}

TEST(SessionSpooled, AnEarlierMessageOfTheSessionKeepsItsResult) {
  const auto tail = spooled_body("abc", sizes(40, 42));
  Transaction second = spooled_transaction(*tail);
  second.message_index = 1;
  second.recipients = {"carol@example.net"};
  SessionScript script =
      after_ehlo({transaction({"bob@example.net"}), std::move(second)}, kEhloPipelining);
  script.expect_write(std::string(kMailFrom) + rcpt("bob@example.net") + kData)
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_write(std::string(kBodyOnWire) + kMailFrom + rcpt("carol@example.net") + kData)
      .reply("250 queued\r\n")
      .reply("250 ok\r\n250 ok\r\n354 go ahead\r\n")
      .expect_close()
      .expect_done([](const SessionOutcome& outcome) {
        ASSERT_EQ(outcome.recipients.size(), 2u);
        EXPECT_EQ(outcome.recipients[0].result.status, RecipientStatus::delivered);
        EXPECT_EQ(outcome.recipients[1].result.status, RecipientStatus::deferred);
        EXPECT_EQ(outcome.recipients[1].result.diag.error, make_error_code(Errc::input_unreadable));
      });
  run(script);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
