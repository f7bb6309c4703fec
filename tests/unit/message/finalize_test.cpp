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

// DKIM (issue 13): each form carries its own signature at its top, inside what wire_content()
// and seven_bit_content() return, so whoever takes a form takes it signed.
class FinalizeSigned : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    key_ = dkim::generate_private_key(dkim::KeyType::ed25519, error);
    ASSERT_TRUE(key_) << error;
    keys_ = {{"sel", key_}};
  }
  DkimSettings settings(std::string domain = "") const { return {keys_, std::move(domain), 1795471980}; }

  static std::string read_all(const ContentView& view) {
    ContentReader reader(view);
    std::string out;
    std::string_view slice;
    std::string error;
    while (reader.next(7, slice, error) && !slice.empty()) out += slice;
    EXPECT_EQ(error, "");
    return out;
  }
  static std::string signature_of(std::string_view form) {
    EXPECT_TRUE(form.starts_with("DKIM-Signature: v=1; a=ed25519-sha256;")) << form.substr(0, 200);
    // The field ends at the first CRLF not followed by WSP (a continuation line).
    std::size_t end = form.find("\r\n");
    while (end != std::string_view::npos && end + 2 < form.size() &&
           (form[end + 2] == '\t' || form[end + 2] == ' ')) {
      end = form.find("\r\n", end + 2);
    }
    return std::string(form.substr(0, end + 2));
  }

  std::shared_ptr<const dkim::PrivateKey> key_;
  std::vector<dkim::SigningKey> keys_;
};

TEST_F(FinalizeSigned, TheMessageAsItIsIsSignedAtItsTop) {
  const Message original = test::loaded_message("From: a@example.org\nSubject: s\n\nbody\n");
  std::vector<Message> finished;
  LoadError error;
  ASSERT_TRUE(finalize_message(original, {}, settings(), finished, error)) << error.detail;
  ASSERT_EQ(finished.size(), 1u);
  const std::string field = signature_of(finished[0].content);
  EXPECT_NE(field.find("d=example.org;"), std::string::npos) << field;
  EXPECT_EQ(finished[0].content.substr(field.size()), original.content);
  EXPECT_EQ(finished[0].facts.header_end, original.facts.header_end + field.size());
  EXPECT_TRUE(finished[0].seven_bit.content.empty());
}

TEST_F(FinalizeSigned, TheSevenBitFormHasItsOwnSignatureAndNotTheOther) {
  const Message original = test::loaded_message(
      "From: a@example.org\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\ncaf\xc3\xa9\n");
  std::vector<Message> finished;
  LoadError error;
  ASSERT_TRUE(finalize_message(original, {}, settings("example.net"), finished, error));
  const Message& m = finished[0];
  const std::string as_is = signature_of(m.content);
  const std::string seven = signature_of(m.seven_bit.content);
  EXPECT_NE(as_is, seven);
  EXPECT_NE(as_is.find("d=example.net;"), std::string::npos);
  EXPECT_EQ(m.seven_bit.content.substr(seven.size()), seven_bit_downgrade(original.content).content);
  EXPECT_EQ(m.seven_bit.content.find("DKIM-Signature", 1), std::string::npos);
}

TEST_F(FinalizeSigned, EachCopyIsSignedOnItsOwn) {
  const Message original = test::loaded_message("From: a@example.org\nTo: x@example.net\n\nb\n");
  std::vector<CopyRecipient> each{{"a@example.com", test::completion_context("c1")},
                                  {"b@example.com", test::completion_context("c2")}};
  std::vector<Message> finished;
  LoadError error;
  ASSERT_TRUE(finalize_message(original, each, settings(), finished, error));
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_NE(signature_of(finished[0].content), signature_of(finished[1].content));
}

TEST_F(FinalizeSigned, AStreamedSevenBitFormIsSignedAheadOfTheStream) {
  Message original = test::loaded_message(
      "From: a@example.org\nSubject: big\nContent-Type: text/plain; charset=utf-8\n\n");
  const auto tail = smtpsend::testing::spooled_body("caf\xc3\xa9\nmore\n");
  original.spooled = std::shared_ptr<const SpooledBody>(tail.get(), [](const SpooledBody*) {});
  original.spooled_eight_bit = true;
  std::vector<Message> finished;
  LoadError error;
  ASSERT_TRUE(finalize_message(original, {}, settings(), finished, error)) << error.detail;
  const Message& m = finished[0];
  ASSERT_NE(m.seven_bit_stream, nullptr);
  const std::string seven = read_all(m.seven_bit_content());
  EXPECT_EQ(signature_of(seven), m.seven_bit_signature);
  EXPECT_EQ(m.seven_bit_content().size(), seven.size());
  EXPECT_NE(seven.find("caf=C3=A9"), std::string::npos);
  const std::string as_is = read_all(m.wire_content());
  EXPECT_NE(signature_of(as_is), m.seven_bit_signature);
  EXPECT_NE(as_is.find("caf\xc3\xa9"), std::string::npos);
}

TEST_F(FinalizeSigned, NoFromDomainAndNoDkimDomainIsAnError) {
  const Message original = test::loaded_message("Subject: s\n\nbody\n");
  std::vector<Message> finished;
  LoadError error;
  EXPECT_FALSE(finalize_message(original, {}, settings(), finished, error));
  EXPECT_EQ(error.detail, "test: no From: domain to sign for (DKIM d=); give --dkim-domain");
  EXPECT_TRUE(finished.empty());
  EXPECT_TRUE(finalize_message(original, {}, settings("example.org"), finished, error));
}

}  // namespace
}  // namespace smtpsend::message
