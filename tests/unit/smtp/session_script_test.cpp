// The SessionScript harness itself: it must catch what it promises to catch, or the session
// tests prove nothing.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

// Runs `body` with GoogleTest's reporter swapped out; returns the failure messages it raised.
template <typename Body>
std::vector<std::string> failures_of(Body body) {
  ::testing::TestPartResultArray results;
  {
    ::testing::ScopedFakeTestPartResultReporter reporter(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
    body();
  }
  std::vector<std::string> messages;
  for (int i = 0; i < results.size(); ++i)
    messages.emplace_back(results.GetTestPartResult(i).message());
  return messages;
}

bool any_contains(const std::vector<std::string>& messages, std::string_view needle) {
  for (const std::string& m : messages) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

SessionOutcome bob_outcome(RecipientStatus status) {
  RecipientOutcome bob;
  bob.result.address = "bob@example.net";
  bob.result.status = status;
  bob.result.cause =
      status == RecipientStatus::delivered ? FailureCause::none : FailureCause::temporary;
  bob.result.diag.host = "mx.example.net";
  bob.result.diag.ip = "192.0.2.1";
  bob.result.diag.reply = ServerReply{250, "", "ok"};
  return SessionOutcome{{bob}, {}};
}

TEST(SessionScriptHarness, WrongBytesAreReported) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply(kGreeting).expect_write("EHLO somebody.else\r\n").expect_done([](auto&) {});
  const auto failures = failures_of([&] { run(script); });
  ASSERT_FALSE(failures.empty());
  EXPECT_TRUE(any_contains(failures, "EHLO somebody.else")) << failures.front();
}

TEST(SessionScriptHarness, AMissingWriteIsReported) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply(kGreeting).reply("250 ok\r\n").expect_done([](auto&) {});
  const auto failures = failures_of([&] { run(script); });
  ASSERT_FALSE(failures.empty());
  EXPECT_TRUE(any_contains(failures, "expected a Read")) << failures.front();
}

TEST(SessionScriptHarness, WrongOutcomesAreReported) {
  SessionScript script(test_config(), {transaction({"bob@example.net"})});
  script.reply("421 busy\r\n")
      .expect_write(kQuit)
      .expect_close()
      .expect_done({delivered("bob@example.net")});
  EXPECT_FALSE(failures_of([&] { run(script); }).empty());
}

TEST(SessionScriptHarness, DeliveryWithoutAConfirmedFinalDotIsCaught) {
  DeliveryLedger ledger;
  ledger.observe(Write{"MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\n", Stage::mail});
  const std::vector<Transaction> transactions = {transaction({"bob@example.net"})};
  const SessionOutcome outcome = bob_outcome(RecipientStatus::delivered);
  const auto before =
      failures_of([&] { check_session_invariants(test_config(), transactions, outcome, ledger); });
  EXPECT_TRUE(any_contains(before, "delivered without a 2xx")) << ::testing::PrintToString(before);

  ledger.observe(Write{"DATA\r\n", Stage::data});
  ledger.observe(Write{"Hello\r\n.\r\n", Stage::data_block});
  ledger.end_of_data_accepted();
  const auto after =
      failures_of([&] { check_session_invariants(test_config(), transactions, outcome, ledger); });
  EXPECT_TRUE(after.empty()) << ::testing::PrintToString(after);
}

TEST(SessionScriptHarness, CommandsRidingAfterTheDataAreReadAndCreditedInOrder) {
  DeliveryLedger ledger;
  ledger.observe(
      Write{"MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n", Stage::mail});
  ledger.observe(
      Write{"hi\r\n..\r\n.\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<carol@", Stage::data_block});
  ledger.observe(Write{"example.net>\r\nDATA\r\n", Stage::data_block});
  ledger.end_of_data_refused();  // bob's message
  ledger.observe(
      Write{"x\r\n.\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<dave@example.net>\r\n"
            "BDAT 3 LAST\r\nabcQUIT\r\n",
            Stage::data_block});
  ledger.end_of_data_accepted();  // carol's
  ledger.end_of_data_accepted();  // dave's chunk
  EXPECT_EQ(ledger.credits(),
            (std::map<std::string, int>{{"carol@example.net", 1}, {"dave@example.net", 1}}));
}

TEST(SessionScriptHarness, DataBlocksAreNotMistakenForCommands) {
  DeliveryLedger ledger;
  ledger.observe(Write{"MAIL FROM:<a@example.org>\r\n", Stage::mail});
  ledger.observe(Write{"RCPT TO:<evil@example.net>\r\n", Stage::data_block});
  ledger.end_of_data_accepted();
  EXPECT_TRUE(ledger.credits().empty());
}

TEST(SessionScriptHarness, LostOrDuplicatedRecipientsAreCaught) {
  const std::vector<Transaction> transactions = {
      transaction({"bob@example.net", "carol@example.net"})};
  const auto failures = failures_of([&] {
    check_session_invariants(test_config(), transactions, bob_outcome(RecipientStatus::deferred),
                             DeliveryLedger{});
  });
  EXPECT_TRUE(any_contains(failures, "exactly one outcome")) << ::testing::PrintToString(failures);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
