// Bare local names in address fields qualified, every other byte (comments, display names,
// folding) kept.
#include "smtpsend/message/header_addresses.hpp"

#include <gtest/gtest.h>

#include "smtpsend/message/address_list.hpp"

namespace smtpsend::message {
namespace {

TEST(BareLocalPartEnds, AtEveryBareLocalPartOnly) {
  const std::string body = " root (Cron Daemon), \"Ops\" <ops>, a@b.c, Team: x, y@z;, \"q r\"";
  std::vector<std::size_t> ends;
  std::string why;
  ASSERT_TRUE(bare_local_part_ends(body, ends, why)) << why;
  std::vector<std::string> before;
  for (std::size_t end : ends) before.push_back(body.substr(0, end));
  ASSERT_EQ(ends.size(), 4u);
  EXPECT_TRUE(before[0].ends_with(" root"));
  EXPECT_TRUE(before[1].ends_with("<ops"));
  EXPECT_TRUE(before[2].ends_with("Team: x"));
  EXPECT_TRUE(before[3].ends_with("\"q r\""));
}

TEST(QualifiedField, CronsFromKeepsItsComment) {
  EXPECT_EQ(qualified_field("From: root (Cron Daemon)\r\n", "client.test"),
            "From: root@client.test (Cron Daemon)\r\n");
  EXPECT_EQ(qualified_field("To: root\r\n", "client.test"), "To: root@client.test\r\n");
}

TEST(QualifiedField, FoldedFieldKeepsItsFolds) {
  EXPECT_EQ(qualified_field("Cc: a@x.test,\r\n\t\"Ops\" <ops>,\r\n root\r\n", "client.test"),
            "Cc: a@x.test,\r\n\t\"Ops\" <ops@client.test>,\r\n root@client.test\r\n");
}

TEST(QualifiedField, ALineThatWouldPass998OctetsIsLeftAsWritten) {
  const std::string fits = "To: " + std::string(980, 'a') + "\r\n";
  EXPECT_EQ(qualified_field(fits, "c.test"), "To: " + std::string(980, 'a') + "@c.test\r\n");
  const std::string too_long = "To: " + std::string(990, 'a') + "\r\n";
  EXPECT_EQ(qualified_field(too_long, "client.test"), too_long);
}

TEST(QualifiedField, QualifiedOrMalformedFieldsAreUnchanged) {
  for (const char* field : {"To: a@x.test, B <b@y.test>\r\n", "To: undisclosed-recipients:;\r\n",
                            "To: <broken\r\n", "To:\r\n"}) {
    EXPECT_EQ(qualified_field(field, "client.test"), field);
  }
  EXPECT_EQ(qualified_field("To: root\r\n", ""), "To: root\r\n");
}

// A fold at any offset of the field (where white space is) gives the same qualification.
TEST(QualifiedField, AFoldAtEveryWhiteSpaceQualifiesTheSame) {
  const std::string unfolded = "To: root (Cron Daemon), Ops <ops>, a@x.test";
  const std::string suffix = "@client.test";
  for (std::size_t at = 4; at < unfolded.size(); ++at) {
    if (unfolded[at] != ' ') continue;
    const std::string folded = unfolded.substr(0, at) + "\r\n" + unfolded.substr(at) + "\r\n";
    std::string expected = folded;
    const std::string got = qualified_field(folded, "client.test");
    std::string unfolded_got;
    for (char c : got) {
      if (c != '\r' && c != '\n') unfolded_got += c;
    }
    EXPECT_EQ(unfolded_got, "To: root@client.test (Cron Daemon), Ops <ops@client.test>, a@x.test")
        << "fold at " << at;
    EXPECT_NE(got.find("\r\n "), std::string::npos) << "fold at " << at << " kept";
  }
}

TEST(QualifyHeaderAddresses, OnlyAddressFieldsAndHeaderEndFollows) {
  Message message;
  message.content =
      "From: root (Cron Daemon)\r\nX-Note: root\r\nResent-To: postmaster\r\n\r\nroot\r\n";
  message.facts.header_end = message.content.find("\r\n\r\n") + 2;
  qualify_header_addresses(message, "client.test");
  EXPECT_EQ(message.content,
            "From: root@client.test (Cron Daemon)\r\nX-Note: root\r\nResent-To: "
            "postmaster@client.test\r\n\r\nroot\r\n");
  EXPECT_EQ(message.facts.header_end, message.content.find("\r\n\r\n") + 2);
}

}  // namespace
}  // namespace smtpsend::message
