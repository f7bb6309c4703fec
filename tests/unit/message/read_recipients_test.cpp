#include "smtpsend/message/read_recipients.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::message {
namespace {

std::vector<HeaderField> fields_of(std::string_view content) {
  HeaderParser parser;
  parser.feed(content);
  EXPECT_EQ(parser.finish(), HeaderParseStatus::done) << parser.error();
  return parser.fields();
}

std::vector<std::string> recipients_of(std::string_view content) {
  std::vector<std::string> out;
  LoadError error;
  EXPECT_TRUE(header_recipients(fields_of(content), out, error)) << error.detail;
  return out;
}

TEST(HeaderRecipients, ToCcAndBccInHeaderOrder) {
  EXPECT_EQ(
      recipients_of("From: me@example.com\r\nTo: \"Smith, A\" <a@example.com>, b@example.com\r\n"
                    "Subject: x\r\nBcc: hidden@example.net\r\nCc: Team: c@example.org;\r\n"
                    "\r\nTo: not@header.example\r\n"),
      (std::vector<std::string>{"a@example.com", "b@example.com", "hidden@example.net",
                                "c@example.org"}));
}

TEST(HeaderRecipients, FieldNamesAreCaseInsensitiveAndFoldsUnfolded) {
  EXPECT_EQ(recipients_of("to: a@example.com,\r\n b@example.com\r\nCC: root\r\n\r\n"),
            (std::vector<std::string>{"a@example.com", "b@example.com", "root"}));
}

// As Postfix: a message being resent goes to its Resent- recipients only.
TEST(HeaderRecipients, AnyResentFieldMeansOnlyResentFieldsCount) {
  EXPECT_EQ(
      recipients_of("To: original@example.com\r\nCc: copy@example.com\r\n"
                    "Resent-From: fwd@example.com\r\nResent-To: new@example.com\r\n"
                    "Resent-Bcc: secret@example.com\r\nResent-Cc: other@example.com\r\n\r\n"),
      (std::vector<std::string>{"new@example.com", "secret@example.com", "other@example.com"}));
}

TEST(HeaderRecipients, ResentFromAloneDoesNotSwitchToResentFields) {
  EXPECT_EQ(recipients_of("To: a@example.com\r\nResent-From: f@example.com\r\n\r\n"),
            std::vector<std::string>{"a@example.com"});
}

TEST(HeaderRecipients, UndisclosedRecipientsGivesNone) {
  EXPECT_TRUE(recipients_of("To: undisclosed-recipients:;\r\nSubject: x\r\n\r\n").empty());
}

TEST(HeaderRecipients, MalformedRecipientFieldIsAnErrorNamingIt) {
  std::vector<std::string> out;
  LoadError error;
  EXPECT_FALSE(header_recipients(
      fields_of("Subject: x\r\nTo: a@example.com\r\nCc: \"Smith, A <a@example.com>\r\n\r\n"), out,
      error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_EQ(error.detail, "the Cc: header is malformed: unterminated quoted string");
}

TEST(HeaderRecipients, FieldsThatAreNotReadMayBeMalformed) {
  EXPECT_EQ(recipients_of("To: \"broken\r\nResent-To: r@example.com\r\n\r\n"),
            std::vector<std::string>{"r@example.com"});
}

// Bcc removal must leave every other byte exactly as it was: folded fields, odd spacing,
// line endings and the body.
TEST(RemoveBlindCopies, RemovesEveryLineOfBccAndResentBccOnly) {
  const std::string before =
      "From: me@example.com\r\n"
      "Bcc: hidden@example.net,\r\n"
      "\tother@example.net\r\n"
      "To:   a@example.com  \r\n"
      "bcc:\r\n"
      "Resent-Bcc: r@example.net\r\n"
      "X-Bcc: stays\r\n"
      "Subject: folded\r\n  subject\r\n"
      "\r\n"
      "Bcc: in the body stays\r\n";
  std::string content = before;
  const std::size_t removed = remove_blind_copies(content, fields_of(content));
  EXPECT_EQ(content,
            "From: me@example.com\r\n"
            "To:   a@example.com  \r\n"
            "X-Bcc: stays\r\n"
            "Subject: folded\r\n  subject\r\n"
            "\r\n"
            "Bcc: in the body stays\r\n");
  EXPECT_EQ(removed, before.size() - content.size());
}

Message loaded(std::string content) {
  Message message;
  message.source = "a.eml";
  message.content = std::move(content);
  LoadError error;
  EXPECT_TRUE(scan_headers(message.content, message.facts, error)) << error.detail;
  return message;
}

TEST(ReadRecipients, SetsRecipientsRemovesBccAndKeepsHeaderEnd) {
  Message message = loaded("To: a@example.com\r\nBcc: b@example.com\r\n\r\nbody\r\n");
  LoadError error;
  ASSERT_TRUE(read_recipients(message, error)) << error.detail;
  EXPECT_EQ(message.header_recipients,
            (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_EQ(message.content, "To: a@example.com\r\n\r\nbody\r\n");
  EXPECT_EQ(message.content.substr(message.facts.header_end), "\r\nbody\r\n");
}

TEST(ReadRecipients, AllBodyInputHasNoRecipients) {
  Message message = loaded("just text\r\n");
  LoadError error;
  ASSERT_TRUE(read_recipients(message, error));
  EXPECT_TRUE(message.header_recipients.empty());
  EXPECT_EQ(message.content, "just text\r\n");
}

TEST(ReadRecipients, MalformedFieldNamesTheSource) {
  Message message = loaded("To: Alice Smith\r\n\r\n");
  LoadError error;
  EXPECT_FALSE(read_recipients(message, error));
  EXPECT_EQ(error.detail,
            "a.eml: the To: header is malformed: 'Alice Smith' is not an "
            "address");
}

}  // namespace
}  // namespace smtpsend::message
