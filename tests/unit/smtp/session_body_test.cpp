// Message data comes from the transport (ReadBody / on_body): the session reads no file and
// holds no reader, so what it sends is exactly what it was handed, dot-stuffed, a block at a
// time; a slice that cannot be read ends the attempt without the final dot.
#include <gtest/gtest.h>

#include "session_test_helpers.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::testing {
namespace {

// Greeting, EHLO with PIPELINING, and the envelope's replies: the next thing is message data.
Session at_message_data(SessionConfig config, std::string_view content) {
  Session session(std::move(config), {transaction({"bob@example.net"}, content)});
  session.on_bytes(kGreeting);
  while (std::holds_alternative<Write>(session.next_action())) session.on_written();
  session.on_bytes(kEhloPipelining);
  while (std::holds_alternative<Write>(session.next_action())) session.on_written();
  session.on_bytes("250 ok\r\n250 ok\r\n354 go ahead\r\n");
  return session;
}

TEST(SessionBody, AsksForTheContentAStuffedBlockAtATime) {
  SessionConfig config = test_config();
  config.settings.max_write = 16;
  const std::string content = "Subject: hi\r\n\r\n.dot line\r\n";
  Session session = at_message_data(config, content);
  const Action first = session.next_action();
  EXPECT_EQ(first, Action(ReadBody{content, 0, 16}));
  EXPECT_EQ(session.next_action(), first) << "asking again changes nothing";
  session.on_body("Subject: hi\r\n");  // 13 of the 16 asked
  EXPECT_EQ(session.next_action(), Action(ReadBody{content, 13, 3}));
  session.on_body("\r\n.");
  EXPECT_EQ(session.next_action(), Action(Write{"Subject: hi\r\n\r\n.", Stage::data_block, true}));
}

TEST(SessionBody, SendsWhatTheTransportHandsInNotWhatItKnowsOfTheContent) {
  Session session = at_message_data(test_config(), "Subject: hi\r\n\r\nHello\r\n");
  ASSERT_TRUE(std::holds_alternative<ReadBody>(session.next_action()));
  session.on_body("Other: bytes\r\n\r\n.\r\n");
  ASSERT_TRUE(std::holds_alternative<ReadBody>(session.next_action()));
  session.on_body("");
  Write dot{"Other: bytes\r\n\r\n..\r\n.\r\n", Stage::data_block, true};
  dot.ends_data = EndOfData{0, {"bob@example.net"}};
  EXPECT_EQ(session.next_action(), Action(dot));
}

TEST(SessionBody, AnUnreadableSliceDefersTheRecipientsAndEndsWithoutTheFinalDot) {
  SessionConfig config = test_config();
  config.settings.max_write = 8;
  Session session = at_message_data(config, "Subject: hi\r\n\r\nHello\r\n");
  session.on_body("Subject:");
  ASSERT_EQ(session.next_action(), Action(Write{"Subject:", Stage::data_block, true}));
  session.on_written();
  ASSERT_TRUE(std::holds_alternative<ReadBody>(session.next_action()));
  session.on_body_failed("cannot read big.eml while sending it: Input/output error");
  EXPECT_EQ(session.next_action(), Action{Close{}});
  const Action done = session.next_action();
  ASSERT_TRUE(std::holds_alternative<Done>(done));
  const RecipientOutcome& bob = std::get<Done>(done).outcome.recipients.at(0);
  EXPECT_EQ(bob.result.status, RecipientStatus::deferred);
  EXPECT_EQ(bob.result.diag.error, make_error_code(Errc::input_unreadable));
  EXPECT_EQ(bob.result.diag.detail,
            "cannot read big.eml while sending it: Input/output error; the message was not sent "
            "to mx.example.net[192.0.2.1]");
  EXPECT_FALSE(bob.result.may_duplicate);
}

TEST(SessionBody, AnAnswerNobodyAskedForIsIgnored) {
  Session session(test_config(), {transaction({"bob@example.net"})});
  session.on_body("stray");
  session.on_body_failed("stray");
  EXPECT_EQ(session.next_action(), Action(Read{Stage::greeting, 0}));
}

}  // namespace
}  // namespace smtpsend::smtp::testing
