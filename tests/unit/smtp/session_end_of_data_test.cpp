// Write::ends_data: the one Write that ends a transaction's message data names the recipients
// the server may deliver once it is written, so the queue can record them as in flight first
// (core/in_flight.hpp). No other Write carries it.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "session_test_helpers.hpp"

namespace smtpsend::smtp::testing {
namespace {

// Plays `replies` in order, one per Read, answering every ReadBody from `content`; returns
// every Write handed out, until Done.
std::vector<Write> play(Session& session, std::string_view content,
                        const std::vector<std::string>& replies) {
  std::vector<Write> writes;
  std::size_t next_reply = 0;
  for (int step = 0; step < 200; ++step) {
    Action action = session.next_action();
    if (auto* write = std::get_if<Write>(&action)) {
      writes.push_back(*write);
      session.on_written();
    } else if (std::holds_alternative<Read>(action)) {
      if (next_reply == replies.size()) {
        session.on_eof();
      } else {
        session.on_bytes(replies[next_reply++]);
      }
    } else if (auto* body = std::get_if<ReadBody>(&action)) {
      const std::size_t offset = static_cast<std::size_t>(body->offset);
      session.on_body(content.substr(std::min(offset, content.size()), body->max));
    } else if (std::holds_alternative<Close>(action)) {
      continue;
    } else if (std::holds_alternative<Done>(action)) {
      return writes;
    } else {
      ADD_FAILURE() << "unexpected action";
      return writes;
    }
  }
  ADD_FAILURE() << "the session did not end";
  return writes;
}

TEST(SessionEndOfData, TheDotWriteNamesOnlyTheAcceptedRecipients) {
  Session session(
      test_config(),
      {transaction({"bob@example.net", "eve@example.net", "joe@example.net"}, kBody, 3)});
  const std::vector<Write> writes =
      play(session, kBody,
           {kGreeting, kEhloPlain, "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "550 5.1.1 no\r\n",
            "250 2.1.5 Ok\r\n", "354 go\r\n", "250 2.0.0 queued\r\n"});
  std::vector<EndOfData> ends;
  for (const Write& write : writes) {
    if (write.ends_data) {
      ends.push_back(*write.ends_data);
      EXPECT_TRUE(write.bytes.ends_with("\r\n.\r\n")) << write.bytes;
    }
  }
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].message_index, 3u);
  EXPECT_EQ(ends[0].recipients, (std::vector<std::string>{"bob@example.net", "joe@example.net"}));
}

// RFC 3030 §4.2: BDAT pipelined with the envelope goes out before any RCPT reply, so every
// recipient of the transaction may be delivered.
TEST(SessionEndOfData, PipelinedBdatNamesRecipientsNotYetAnswered) {
  Session session(test_config(), {transaction({"bob@example.net", "eve@example.net"})});
  const std::vector<Write> writes = play(
      session, kBody,
      {kGreeting, "250-mx.example.net hello\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n",
       "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n", "250 2.0.0 queued\r\n"});
  int ends = 0;
  for (const Write& write : writes) {
    if (!write.ends_data) continue;
    ++ends;
    EXPECT_EQ(write.ends_data->recipients,
              (std::vector<std::string>{"bob@example.net", "eve@example.net"}));
  }
  EXPECT_EQ(ends, 1);
}

}  // namespace
}  // namespace smtpsend::smtp::testing
