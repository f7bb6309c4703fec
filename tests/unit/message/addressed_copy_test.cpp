// --each: each copy names only its recipient and has its own Message-ID; everything else,
// a spooled body included, is the original's.
#include "smtpsend/message/addressed_copy.hpp"

#include <gtest/gtest.h>

#include "support/loaded_message.hpp"
#include "support/spooled_body.hpp"

namespace smtpsend::message {
namespace {

// The Date: the original got when it was completed (local time: the zone varies).
std::string_view date_of(const Message& m) {
  const std::size_t start = m.content.find("Date: ") + 6;
  return std::string_view(m.content).substr(start, m.content.find("\r\n", start) - start);
}

TEST(AddressedCopy, ToNamesOnlyTheRecipientCcIsGoneAndTheIdIsNew) {
  const Message original = test::loaded_message(
      "From: a@example.org\nTo: x@example.net,\n y@example.net\nCc: z@example.net\n"
      "Message-ID: <orig@example.org>\nSubject: news\n\nbody\n");
  const Message copy = addressed_copy(original, "bob@example.com", test::completion_context("c1"));
  EXPECT_EQ(copy.content,
            "To: bob@example.com\r\nMessage-ID: <20261123221300.c1@host.example.org>\r\n"
            "Date: " +
                std::string(date_of(original)) +
                "\r\nFrom: a@example.org\r\nSubject: news\r\n\r\nbody\r\n");
  EXPECT_EQ(copy.facts.message_id, "<20261123221300.c1@host.example.org>");
  EXPECT_EQ(copy.facts.header_end, copy.content.find("\r\n\r\n") + 2);
  EXPECT_EQ(copy.facts.from_address, original.facts.from_address);
  EXPECT_FALSE(copy.eight_bit);
  HeaderFacts rescanned;
  LoadError error;
  ASSERT_TRUE(scan_headers(copy.content, rescanned, error)) << error.detail;
  EXPECT_EQ(rescanned.header_end, copy.facts.header_end);
  EXPECT_EQ(rescanned.message_id, copy.facts.message_id);
}

// Issue 10: a resent message (-t read its Resent-To/Cc) keeps its original To:, Cc: and
// Message-ID:; the copy's recipient and id go into the Resent block, where Resent-To: stood.
TEST(AddressedCopy, AResentMessageIsAddressedInItsResentBlock) {
  const Message original = test::loaded_message(
      "Resent-From: list@example.org\nResent-To: x@example.net,\n y@example.net\n"
      "Resent-Cc: z@example.net\nResent-Message-ID: <resent@example.org>\n"
      "From: a@example.org\nTo: orig@example.net\nCc: c@example.net\n"
      "Message-ID: <orig@example.org>\nSubject: news\n\nbody\n");
  const Message copy = addressed_copy(original, "bob@example.com", test::completion_context("c1"));
  EXPECT_EQ(copy.content, "Date: " + std::string(date_of(original)) +
                              "\r\nResent-From: list@example.org\r\nResent-To: bob@example.com\r\n"
                              "Resent-Message-ID: <20261123221300.c1@host.example.org>\r\n"
                              "From: a@example.org\r\nTo: orig@example.net\r\nCc: c@example.net\r\n"
                              "Message-ID: <orig@example.org>\r\nSubject: news\r\n\r\nbody\r\n");
  EXPECT_EQ(copy.facts.header_end, copy.content.find("\r\n\r\n") + 2);
}

TEST(AddressedCopy, TwoCopiesHaveDifferentIds) {
  const Message original = test::loaded_message("Subject: s\n\nb\n");
  const Message one = addressed_copy(original, "a@example.com", test::completion_context("1"));
  const Message two = addressed_copy(original, "b@example.com", test::completion_context("2"));
  EXPECT_NE(one.facts.message_id, two.facts.message_id);
  EXPECT_NE(one.facts.message_id, original.facts.message_id);
}

TEST(AddressedCopy, TheSpooledBodyIsSharedNotCopied) {
  Message original = test::loaded_message("Subject: big\n\n");
  const auto tail = smtpsend::testing::spooled_body("line\n");
  original.spooled = std::shared_ptr<const SpooledBody>(tail.get(), [](const SpooledBody*) {});
  const Message copy = addressed_copy(original, "a@example.com", test::completion_context("1"));
  EXPECT_EQ(copy.spooled.get(), tail.get());
  EXPECT_EQ(copy.size(), copy.content.size() + tail->wire_size());
}

}  // namespace
}  // namespace smtpsend::message
