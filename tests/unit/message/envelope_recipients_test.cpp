#include "smtpsend/message/envelope_recipients.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpsend::message {
namespace {

std::vector<std::string> texts(const std::vector<EnvelopeAddress>& addresses) {
  std::vector<std::string> out;
  for (const EnvelopeAddress& address : addresses) out.push_back(address.text);
  return out;
}

std::vector<EnvelopeAddress> parsed(const std::vector<std::string>& texts) {
  std::vector<EnvelopeAddress> out;
  std::string detail;
  EXPECT_TRUE(add_recipients(texts, "client.test", out, detail)) << detail;
  return out;
}

std::vector<std::string> merged(const std::vector<std::string>& command_line,
                                const std::vector<std::string>& header) {
  std::vector<EnvelopeAddress> out;
  std::string detail;
  EXPECT_TRUE(merge_recipients(parsed(command_line), header, "client.test", out, detail)) << detail;
  return texts(out);
}

TEST(MergeRecipients, HeaderRecipientsComeAfterTheCommandLines) {
  EXPECT_EQ(
      merged({"bob@example.test"}, {"carol@other.test", "dave@example.test"}),
      (std::vector<std::string>{"bob@example.test", "carol@other.test", "dave@example.test"}));
  EXPECT_EQ(merged({}, {"carol@other.test"}), std::vector<std::string>{"carol@other.test"});
  EXPECT_EQ(merged({"bob@example.test"}, {}), std::vector<std::string>{"bob@example.test"});
  EXPECT_TRUE(merged({}, {}).empty());
}

// SPEC.md "Message input": duplicates are sent once, the domain compared case-insensitively;
// the first spelling is the one that goes into RCPT TO.
TEST(MergeRecipients, DuplicatesOnceDomainCaseInsensitiveFirstSpellingKept) {
  EXPECT_EQ(merged({"bob@Example.Test"}, {"bob@example.test", "erin@EXAMPLE.test",
                                          "erin@example.TEST", "<bob@EXAMPLE.TEST>"}),
            (std::vector<std::string>{"bob@Example.Test", "erin@EXAMPLE.test"}));
}

// RFC 5321 §2.4: the local part may be case-sensitive, so Bob and bob are two mailboxes.
TEST(MergeRecipients, LocalPartsCompareExactly) {
  EXPECT_EQ(merged({"bob@example.test"}, {"Bob@example.test"}),
            (std::vector<std::string>{"bob@example.test", "Bob@example.test"}));
}

TEST(MergeRecipients, BareLocalPartsAreQualifiedBeforeComparing) {
  EXPECT_EQ(merged({"root@CLIENT.test"}, {"root", "cron"}),
            (std::vector<std::string>{"root@CLIENT.test", "cron@client.test"}));
}

TEST(MergeRecipients, DomainLiteralsAndUtf8) {
  EXPECT_EQ(merged({"a@[192.0.2.1]"}, {"a@[192.0.2.1]", "b@[192.0.2.1]",
                                       "\xc3\xbc@b\xc3\xbc"
                                       "cher.example",
                                       "\xc3\xbc@b\xc3\xbc"
                                       "cher.EXAMPLE"}),
            (std::vector<std::string>{"a@[192.0.2.1]", "b@[192.0.2.1]",
                                      "\xc3\xbc@b\xc3\xbc"
                                      "cher.example"}));
}

TEST(MergeRecipients, CommandLineDuplicatesAreDroppedToo) {
  std::vector<EnvelopeAddress> command_line = parsed({"a@x.test"});
  command_line.push_back(command_line.front());
  std::vector<EnvelopeAddress> out;
  std::string detail;
  ASSERT_TRUE(merge_recipients(command_line, {}, "client.test", out, detail));
  EXPECT_EQ(texts(out), std::vector<std::string>{"a@x.test"});
}

TEST(MergeRecipients, BadHeaderAddressIsAnErrorWithTheParsersSentence) {
  std::vector<EnvelopeAddress> out;
  std::string detail;
  const std::vector<std::string> header{"ok@x.test", "a@@b"};
  EXPECT_FALSE(merge_recipients(parsed({"bob@example.test"}), header, "client.test", out, detail));
  EXPECT_NE(detail.find("a@@b"), std::string::npos) << detail;
  EXPECT_EQ(texts(out), (std::vector<std::string>{"bob@example.test", "ok@x.test"}));
}

TEST(AddRecipients, KeepsWhatIsThereAndAddsOnlyNewMailboxes) {
  std::vector<EnvelopeAddress> out = parsed({"a@x.test", "a@X.TEST", "b@x.test"});
  EXPECT_EQ(texts(out), (std::vector<std::string>{"a@x.test", "b@x.test"}));
  std::string detail;
  const std::vector<std::string> more{"B@x.test", "b@X.test"};
  ASSERT_TRUE(add_recipients(more, "client.test", out, detail));
  EXPECT_EQ(texts(out), (std::vector<std::string>{"a@x.test", "b@x.test", "B@x.test"}));
}

}  // namespace
}  // namespace smtpsend::message
