// finalize_message(): the one step that makes the bytes that go on the wire, the message as it
// is or its --each copies, each with its 7-bit form when it is 8-bit.
#include "smtpsend/message/finalize.hpp"

#include <gtest/gtest.h>

#include "support/loaded_message.hpp"
#include "support/spooled_body.hpp"

namespace smtpsend::message {
namespace {

constexpr std::string_view kEightBitBody =
    "Subject: s\nContent-Type: text/plain; charset=utf-8\n\ncaf\xc3\xa9\n";

std::vector<Message> copies_of(Message original, const std::vector<std::string>& recipients) {
  std::vector<CopyRecipient> each;
  for (std::size_t i = 0; i < recipients.size(); ++i) {
    each.push_back({recipients[i], test::completion_context("c" + std::to_string(i + 1))});
  }
  return finalize_message(std::move(original), each);
}

TEST(FinalizeMessage, WithoutEachTheMessageItselfGoesOutItsBytesMovedNotCopied) {
  Message original =
      test::loaded_message("Subject: a subject long enough to be on the heap\n\nbody\n");
  const std::string content = original.content;
  const char* const bytes = original.content.data();
  const std::vector<Message> finished = finalize_message(std::move(original), {});
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].content, content);
  EXPECT_EQ(finished[0].content.data(), bytes) << "a message is finished in place";
  EXPECT_FALSE(finished[0].eight_bit);
  EXPECT_TRUE(finished[0].seven_bit.content.empty());
  EXPECT_TRUE(finished[0].seven_bit.error.empty());
}

TEST(FinalizeMessage, AnEightBitMessageGetsItsSevenBitForm) {
  const Message original = test::loaded_message(kEightBitBody);
  const std::vector<Message> finished = finalize_message(original, {});
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].content, original.content) << "the as-is form is unchanged";
  EXPECT_TRUE(finished[0].eight_bit);
  EXPECT_EQ(finished[0].seven_bit.content, seven_bit_downgrade(original.content).content);
  EXPECT_NE(finished[0].seven_bit.content.find("caf=C3=A9"), std::string::npos);
}

TEST(FinalizeMessage, EachMakesOneCopyPerRecipientInOrderAndNotTheOriginal) {
  const Message original =
      test::loaded_message("To: x@example.net, y@example.net\nSubject: s\n\nb\n");
  const std::vector<Message> finished =
      copies_of(original, {"a@example.com", "b@example.com", "c@example.com"});
  ASSERT_EQ(finished.size(), 3u);
  for (std::size_t i = 0; i < finished.size(); ++i) {
    const std::string to = "To: " + std::string(1, static_cast<char>('a' + i)) + "@example.com\r\n";
    EXPECT_TRUE(finished[i].content.starts_with(to)) << finished[i].content;
    EXPECT_EQ(finished[i].facts.message_id,
              "<20261123221300.c" + std::to_string(i + 1) + "@host.example.org>");
    EXPECT_FALSE(finished[i].eight_bit);
  }
}

// Moved from addressed_copy_test.cpp with the 7-bit form, which a copy now gets when finished.
TEST(FinalizeMessage, AUtf8RecipientMakesTheCopyEightBit) {
  const Message original = test::loaded_message("Subject: s\n\nb\n");
  const std::vector<Message> finished = copies_of(original, {"j\xc3\xb6rg@example.com"});
  ASSERT_EQ(finished.size(), 1u);
  const Message& copy = finished[0];
  EXPECT_TRUE(copy.eight_bit);
  EXPECT_FALSE(copy.seven_bit.error.empty()) << "a UTF-8 header has no 7-bit form";
}

TEST(FinalizeMessage, AnEightBitBodyGetsItsOwnSevenBitForm) {
  const Message original = test::loaded_message(kEightBitBody);
  const std::vector<Message> finished = copies_of(original, {"a@example.com"});
  ASSERT_EQ(finished.size(), 1u);
  const Message& copy = finished[0];
  EXPECT_TRUE(copy.eight_bit);
  ASSERT_FALSE(copy.seven_bit.content.empty()) << copy.seven_bit.error;
  EXPECT_NE(copy.seven_bit.content.find("To: a@example.com\r\n"), std::string::npos);
}

// A large message's 7-bit form is made while it is sent; each copy gets its own, over the
// shared spooled body.
TEST(FinalizeMessage, EachCopyOfASpooledEightBitMessageStreamsItsOwnSevenBitForm) {
  Message original =
      test::loaded_message("Subject: big\nContent-Type: text/plain; charset=utf-8\n\n");
  const auto tail = smtpsend::testing::spooled_body("caf\xc3\xa9\n");
  original.spooled = std::shared_ptr<const SpooledBody>(tail.get(), [](const SpooledBody*) {});
  original.spooled_eight_bit = true;
  const std::vector<Message> finished = copies_of(original, {"a@example.com", "b@example.com"});
  ASSERT_EQ(finished.size(), 2u);
  for (const Message& copy : finished) {
    EXPECT_EQ(copy.spooled.get(), tail.get());
    EXPECT_TRUE(copy.eight_bit);
    ASSERT_NE(copy.seven_bit_stream, nullptr) << copy.seven_bit.error;
    EXPECT_TRUE(copy.seven_bit.error.empty());
  }
  EXPECT_NE(finished[0].seven_bit_stream, finished[1].seven_bit_stream);
}

}  // namespace
}  // namespace smtpsend::message
