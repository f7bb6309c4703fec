#include "smtpsend/report/failure_lines.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::report {
namespace {

RecipientResult with_reply(std::string address, RecipientStatus status, int code,
                           std::string enhanced, std::string text) {
  RecipientResult result;
  result.address = std::move(address);
  result.status = status;
  result.cause =
      status == RecipientStatus::failed ? FailureCause::rcpt_rejected : FailureCause::temporary;
  result.diag.reply = ServerReply{code, std::move(enhanced), std::move(text)};
  result.diag.host = "mx1.example.com";
  result.diag.ip = "192.0.2.1";
  return result;
}

RecipientResult with_detail(std::string address, RecipientStatus status, std::string detail) {
  RecipientResult result;
  result.address = std::move(address);
  result.status = status;
  result.cause = FailureCause::temporary;
  result.diag.detail = std::move(detail);
  return result;
}

// SPEC.md "Queue": smtpsend --queue deferred names the entry that keeps the recipient.
TEST(FailureLine, QueuedNamesTheEntryAndTheReason) {
  RecipientResult queued =
      with_reply("bob@example.com", RecipientStatus::queued, 450, "4.2.0", "Greylisted");
  queued.queue_id = "0005F1A2B3C4D5E6abcd";
  EXPECT_EQ(failure_line(queued),
            "smtpsend: bob@example.com: queued (0005F1A2B3C4D5E6abcd): 450 4.2.0 Greylisted "
            "(mx1.example.com[192.0.2.1])");
}

TEST(FailureLine, FailedWithEnhancedCode) {
  EXPECT_EQ(failure_line(with_reply("bob@example.com", RecipientStatus::failed, 550, "5.1.1",
                                    "User unknown")),
            "smtpsend: bob@example.com: failed: 550 5.1.1 User unknown "
            "(mx1.example.com[192.0.2.1])");
}

TEST(FailureLine, DeferredWithoutEnhancedCodeShowsDash) {
  EXPECT_EQ(failure_line(with_reply("bob@example.com", RecipientStatus::deferred, 451, "",
                                    "Try again later")),
            "smtpsend: bob@example.com: deferred: 451 - Try again later "
            "(mx1.example.com[192.0.2.1])");
}

TEST(FailureLine, ReplyWithoutTextHasNoDoubleSpace) {
  EXPECT_EQ(failure_line(with_reply("bob@example.com", RecipientStatus::failed, 554, "", "")),
            "smtpsend: bob@example.com: failed: 554 - (mx1.example.com[192.0.2.1])");
}

TEST(FailureLine, ReplyWithOnlyAnAddressKnown) {
  RecipientResult result =
      with_reply("bob@[192.0.2.9]", RecipientStatus::failed, 550, "5.7.1", "Relaying denied");
  result.diag.host.clear();
  result.diag.ip = "192.0.2.9";
  EXPECT_EQ(failure_line(result),
            "smtpsend: bob@[192.0.2.9]: failed: 550 5.7.1 Relaying denied ([192.0.2.9])");
}

TEST(FailureLine, ReplyTextControlBytesSanitised) {
  EXPECT_EQ(failure_line(with_reply("bob@example.com", RecipientStatus::failed, 550, "5.1.1",
                                    "no\r\nsmtpsend: bob@example.com: delivered\x1b[0m")),
            "smtpsend: bob@example.com: failed: 550 5.1.1 "
            "no??smtpsend: bob@example.com: delivered?[0m (mx1.example.com[192.0.2.1])");
}

TEST(FailureLine, HostNameControlBytesSanitised) {
  RecipientResult result =
      with_reply("bob@example.com", RecipientStatus::failed, 550, "5.1.1", "unknown");
  result.diag.host = "mx\x07.example.com";
  EXPECT_EQ(failure_line(result),
            "smtpsend: bob@example.com: failed: 550 5.1.1 unknown (mx?.example.com[192.0.2.1])");
}

TEST(FailureLine, WithoutReplyQuotesTheSentence) {
  EXPECT_EQ(failure_line(
                with_detail("bob@example.com", RecipientStatus::deferred,
                            "connection refused by all 2 addresses of 2 MX hosts of example.com")),
            "smtpsend: bob@example.com: deferred: connection refused by all 2 addresses of 2 MX "
            "hosts of example.com");
  EXPECT_EQ(failure_line(with_detail("x@nomail.example", RecipientStatus::failed,
                                     "nomail.example does not accept mail (null MX, RFC 7505)")),
            "smtpsend: x@nomail.example: failed: nomail.example does not accept mail (null MX, "
            "RFC 7505)");
}

TEST(FailureLine, WithoutDetailFallsBackToTheErrorCode) {
  RecipientResult result = with_detail("bob@example.com", RecipientStatus::deferred, "");
  result.diag.error = make_error_code(Errc::dns_timeout);
  EXPECT_EQ(failure_line(result), "smtpsend: bob@example.com: deferred: DNS lookup timed out");
}

TEST(FailureLine, NothingKnownStillOneSentence) {
  EXPECT_EQ(failure_line(with_detail("bob@example.com", RecipientStatus::failed, "")),
            "smtpsend: bob@example.com: failed: no reason was recorded");
}

TEST(FailureLine, MayDuplicateIsAlwaysSaid) {
  RecipientResult said = with_detail(
      "bob@example.com", RecipientStatus::deferred,
      "no reply within 600 s after end of data (mx1.example.com[192.0.2.1]); the message may "
      "have been delivered");
  said.may_duplicate = true;
  EXPECT_EQ(failure_line(said),
            "smtpsend: bob@example.com: deferred: no reply within 600 s after end of data "
            "(mx1.example.com[192.0.2.1]); the message may have been delivered");

  RecipientResult unsaid =
      with_detail("bob@example.com", RecipientStatus::deferred, "connection lost");
  unsaid.may_duplicate = true;
  EXPECT_EQ(failure_line(unsaid),
            "smtpsend: bob@example.com: deferred: connection lost; the message may have been "
            "delivered");
}

TEST(FailureLine, DetailControlBytesSanitised) {
  EXPECT_EQ(failure_line(with_detail("bob@example.com", RecipientStatus::deferred, "a\nb")),
            "smtpsend: bob@example.com: deferred: a?b");
}

TEST(FailureLine, DeliveredHasNoLine) {
  RecipientResult delivered =
      with_reply("bob@example.com", RecipientStatus::delivered, 250, "2.0.0", "Ok");
  delivered.cause = FailureCause::none;
  EXPECT_EQ(failure_line(delivered), std::nullopt);
}

TEST(FailureLines, ExactlyOneLinePerFailedOrDeferredRecipient) {
  RecipientResult delivered =
      with_reply("ok@example.com", RecipientStatus::delivered, 250, "2.0.0", "Ok");
  const std::vector<RecipientResult> results{
      delivered,
      with_reply("bob@example.com", RecipientStatus::failed, 550, "5.1.1", "User\nunknown"),
      with_detail("carol@example.net", RecipientStatus::deferred, "DNS lookup timed out"),
      delivered,
  };
  std::ostringstream out;
  write_failure_lines(out, results);
  EXPECT_EQ(out.str(),
            "smtpsend: bob@example.com: failed: 550 5.1.1 User?unknown "
            "(mx1.example.com[192.0.2.1])\n"
            "smtpsend: carol@example.net: deferred: DNS lookup timed out\n");
}

TEST(FailureLines, AllDeliveredIsSilent) {
  const std::vector<RecipientResult> results{
      with_reply("ok@example.com", RecipientStatus::delivered, 250, "2.0.0", "Ok")};
  std::ostringstream out;
  write_failure_lines(out, results);
  EXPECT_EQ(out.str(), "");
}

TEST(FatalLine, PrefixedAndOneLine) {
  EXPECT_EQ(fatal_line("no recipients given"), "smtpsend: no recipients given");
  EXPECT_EQ(fatal_line("bad address 'a\nb'"), "smtpsend: bad address 'a?b'");
}

}  // namespace
}  // namespace smtpsend::report
