#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

struct FromCase {
  const char* name;
  std::string headers;  // canonical header lines, without the empty line
  std::optional<std::string> from;
  std::optional<std::string> sender = std::nullopt;
};

void PrintTo(const FromCase& c, std::ostream* os) {
  *os << c.name;
}

const FromCase kFromCases[] = {
    {"plain", "From: alice@example.com\r\n", "alice@example.com"},
    {"name_angle", "From: Alice Smith <alice@example.com>\r\n", "alice@example.com"},
    {"trailing_comment", "From: alice@example.com (Alice Smith)\r\n", "alice@example.com"},
    {"cron_root", "From: root (Cron Daemon)\r\n", "root"},
    {"bare_root", "From: root\r\n", "root"},
    {"quoted_name_with_comma", "From: \"Smith, Alice\" <alice@example.com>\r\n",
     "alice@example.com"},
    {"quoted_name_with_angle_and_at", "From: \"bob@evil <x@y>\" <alice@example.com>\r\n",
     "alice@example.com"},
    {"folded", "From: Alice Smith\r\n <alice@example.com>\r\n", "alice@example.com"},
    {"folded_tab_inside_address", "From: \"A\"\r\n\t<alice@\r\n example.com>\r\n",
     "alice@example.com"},
    {"nested_comment", "From: (a (nested) comment) alice@example.com\r\n", "alice@example.com"},
    {"comment_with_brackets", "From: alice@example.com (not <bob@example.com>)\r\n",
     "alice@example.com"},
    {"first_of_list", "From: a@example.com, b@example.com\r\nSender: s@example.com\r\n",
     "a@example.com", "s@example.com"},
    {"group_first_member", "From: Team: alice@example.com, bob@example.com;\r\n",
     "alice@example.com"},
    {"empty_group_then_mailbox", "From: undisclosed-recipients:;, bob@example.com\r\n",
     "bob@example.com"},
    {"empty_group_only", "From: undisclosed-recipients:;\r\n", std::nullopt},
    {"quoted_local_part", "From: \"john doe\"@example.com\r\n", "\"john doe\"@example.com"},
    {"obsolete_route", "From: <@relay.example:alice@example.com>\r\n", "alice@example.com"},
    {"domain_literal", "From: alice@[192.0.2.1]\r\n", "alice@[192.0.2.1]"},
    {"encoded_word_name", "From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.com>\r\n",
     "joerg@example.com"},
    {"utf8_name", "From: J\xc3\xb6rg <j\xc3\xb6rg@example.com>\r\n", "j\xc3\xb6rg@example.com"},
    {"lowercase_name_obs_space", "from  : alice@example.com\r\n", "alice@example.com"},
    {"missing_from_uses_sender", "To: x@example.com\r\nSender: s@example.com\r\n", std::nullopt,
     "s@example.com"},
    {"missing_from", "To: x@example.com\r\nSubject: hi\r\n", std::nullopt},
    {"empty_angle", "From: Nobody <>\r\n", std::nullopt},
    {"control_byte_in_address", "From: a\x01b@example.com\r\n", std::nullopt},
    {"control_byte_skips_to_next", "From: \"x\x7f\"@example.com, b@example.com\r\n",
     "b@example.com"},
    // RFC 5321 §4.1.2 qtextSMTP has no HTAB, so such a local part cannot go into MAIL FROM.
    {"tab_in_quoted_local_unusable", "From: \"a\tb\"@example.com\r\n", std::nullopt},
    {"display_name_only", "From: Alice Smith\r\n", std::nullopt},
    {"first_from_wins", "From: a@example.com\r\nFrom: b@example.com\r\n", "a@example.com"},
    {"resent_from_is_not_from", "Resent-From: r@example.com\r\nFrom: f@example.com\r\n",
     "f@example.com"},
};

class FromTable : public testing::TestWithParam<FromCase> {};

TEST_P(FromTable, FindsFirstMailbox) {
  const std::string content = GetParam().headers + "\r\nbody\r\n";
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(content, facts, error)) << error.detail;
  EXPECT_EQ(facts.from_address, GetParam().from);
  EXPECT_EQ(facts.sender_address, GetParam().sender);
  EXPECT_EQ(facts.header_end, GetParam().headers.size());
  EXPECT_FALSE(facts.has_date);
  EXPECT_FALSE(facts.has_message_id);
}

INSTANTIATE_TEST_SUITE_P(Message, FromTable, testing::ValuesIn(kFromCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ScanHeaders, RealWorldCronMessage) {
  const std::string content =
      "From: root (Cron Daemon)\r\n"
      "To: root\r\n"
      "Subject: Cron <root@host> /usr/local/bin/backup\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "X-Cron-Env: <SHELL=/bin/sh>\r\n"
      "\r\n"
      "backup done\r\n";
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(content, facts, error)) << error.detail;
  EXPECT_EQ(facts.from_address, "root");
  EXPECT_FALSE(facts.has_date);
  EXPECT_EQ(content.substr(facts.header_end), "\r\nbackup done\r\n");
}

TEST(ScanHeaders, DateAndFoldedMessageIdAreFound) {
  const std::string content =
      "Date: Mon, 23 Nov 2026 22:13:00 +0000\r\n"
      "message-id:\r\n  <abc.123@example.com> (generated)\r\n"
      "\r\n";
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(content, facts, error)) << error.detail;
  EXPECT_TRUE(facts.has_date);
  EXPECT_TRUE(facts.has_message_id);
  EXPECT_EQ(facts.message_id, "<abc.123@example.com>");
}

TEST(ScanHeaders, HeadersOnlyWithoutEmptyLineEndAtSize) {
  const std::string content = "Subject: x\r\nFrom: a@b.example\r\n";
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(content, facts, error));
  EXPECT_EQ(facts.header_end, content.size());
  EXPECT_EQ(facts.from_address, "a@b.example");
}

TEST(ScanHeaders, EmptyLineAfterFirstHeaderEndsSection) {
  const std::string content = "Subject: x\r\n\r\nFrom: not-a-header@example.com\r\n";
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(content, facts, error));
  EXPECT_EQ(facts.header_end, 12u);
  EXPECT_FALSE(facts.from_address.has_value());
}

struct MalformedCase {
  const char* name;
  std::string content;
  std::string detail;
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
  *os << c.name;
}

const MalformedCase kMalformedCases[] = {
    {"empty", "", "the message is empty"},
    {"space_inside_name", "Subject: x\r\nBad Name: y\r\n\r\n",
     "header line 2 is neither a header field nor a continuation line: 'Bad Name: y'"},
    {"non_ascii_name", "Subject: x\r\nSubj\xc3\xa9t: y\r\n\r\n",
     "header line 2 is neither a header field nor a continuation line: 'Subj\xc3\xa9t: y'"},
    {"control_bytes_sanitised", "Subject: x\r\nab\x01\x1b[2J\r\n\r\n",
     "header line 2 is neither a header field nor a continuation line: 'ab??[2J'"},
};

class MalformedTable : public testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedTable, IsRejectedWithOneSentence) {
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(GetParam().content, facts, error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_EQ(error.detail, GetParam().detail);
  EXPECT_LE(facts.header_end, GetParam().content.size());
}

INSTANTIATE_TEST_SUITE_P(Message, MalformedTable, testing::ValuesIn(kMalformedCases),
                         [](const auto& info) { return std::string(info.param.name); });

struct BodyOnlyCase {
  const char* name;
  std::string content;
  bool has_header_section;
};

void PrintTo(const BodyOnlyCase& c, std::ostream* os) {
  *os << c.name;
}

// Input that does not open with a header field is all body, as Postfix's sendmail treats it.
const BodyOnlyCase kBodyOnlyCases[] = {
    {"plain_text", "Hello there,\r\nhow are you\r\n", false},
    {"starts_with_empty_line", "\r\nSubject: x\r\n", true},
    {"starts_with_continuation", " Subject: x\r\n\r\n", false},
    {"colon_without_name", ": value\r\n\r\n", false},
    {"mbox_from_line", "From alice@example.com Mon Nov 23 22:13:00 2026\r\nSubject: x\r\n\r\n",
     false},
};

class BodyOnlyTable : public testing::TestWithParam<BodyOnlyCase> {};

TEST_P(BodyOnlyTable, IsAcceptedWithAnEmptyHeaderSection) {
  HeaderFacts facts;
  LoadError error;
  ASSERT_TRUE(scan_headers(GetParam().content, facts, error)) << error.detail;
  EXPECT_EQ(facts.header_end, 0u);
  EXPECT_EQ(facts.has_header_section, GetParam().has_header_section);
  EXPECT_FALSE(facts.from_address.has_value());
  EXPECT_FALSE(facts.has_date);
}

INSTANTIATE_TEST_SUITE_P(Message, BodyOnlyTable, testing::ValuesIn(kBodyOnlyCases),
                         [](const auto& info) { return std::string(info.param.name); });

// RFC 5322 §2.1.1: 998 octets plus CRLF is the longest header line.
std::string header_line_of_length(std::size_t length, const std::string& name = "Subject") {
  std::string line = name + ": ";
  line.append(length - line.size(), 'x');
  return line;
}

TEST(ScanHeaders, HeaderLineOf998OctetsPasses) {
  const std::string content = "From: a@example.com\r\n" + header_line_of_length(998) + "\r\n\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_TRUE(scan_headers(content, facts, error)) << error.detail;
  EXPECT_EQ(facts.header_end, content.size() - 2);
}

TEST(ScanHeaders, HeaderLineOf999OctetsFailsNamingHeaderAndLine) {
  const std::string content = "From: a@example.com\r\n" + header_line_of_length(999) + "\r\n\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(content, facts, error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_EQ(error.detail, "header line 2 (Subject) is longer than 998 octets (RFC 5322 §2.1.1)");
}

TEST(ScanHeaders, TenMegabyteHeaderLineFailsNamingItsField) {
  const std::string content = "X-Big: " + std::string(10'000'000, 'y') + "\r\n\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(content, facts, error));
  EXPECT_EQ(error.detail, "header line 1 (X-Big) is longer than 998 octets (RFC 5322 §2.1.1)");
}

TEST(ScanHeaders, LongContinuationLineNamesItsField) {
  std::string continuation = " ";
  continuation.append(998, 'z');
  const std::string content = "Subject: a\r\nTo: b@example.com,\r\n" + continuation + "\r\n\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(content, facts, error));
  EXPECT_EQ(error.detail, "header line 3 (To) is longer than 998 octets (RFC 5322 §2.1.1)");
}

TEST(ScanHeaders, LastLineWithoutCrlfIsStillBounded) {
  HeaderFacts facts;
  LoadError error;
  EXPECT_TRUE(scan_headers(header_line_of_length(998), facts, error));
  EXPECT_FALSE(scan_headers(header_line_of_length(999), facts, error));
}

// A header section of exactly `size` octets before the empty line.
std::string header_section_of_size(std::size_t size) {
  std::string section;
  const std::string line = header_line_of_length(998, "X-Filler") + "\r\n";
  while (section.size() + line.size() <= size) section += line;
  const std::size_t rest = size - section.size();
  if (rest > 0) {
    // The last line carries the remainder: at least "X: " plus CRLF.
    EXPECT_GE(rest, 5u);
    section += "X: " + std::string(rest - 5, 'r') + "\r\n";
  }
  EXPECT_EQ(section.size(), size);
  return section;
}

TEST(ScanHeaders, HeaderSectionAtTheLimitPasses) {
  const std::string content = header_section_of_size(kMaxHeaderSection) + "\r\nbody\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_TRUE(scan_headers(content, facts, error)) << error.detail;
  EXPECT_EQ(facts.header_end, kMaxHeaderSection);
}

TEST(ScanHeaders, HeaderSectionOneOctetOverTheLimitFails) {
  const std::string content = header_section_of_size(kMaxHeaderSection + 1) + "\r\nbody\r\n";
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(content, facts, error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_EQ(error.detail, "the header section does not end within 1048576 octets");
}

TEST(ScanHeaders, HeadersOnlyContentOverTheLimitFails) {
  const std::string content = header_section_of_size(kMaxHeaderSection + 1000);
  HeaderFacts facts;
  LoadError error;
  EXPECT_FALSE(scan_headers(content, facts, error));
  EXPECT_EQ(facts.header_end, 0u);
}

// Facts are about the header section as a whole, so any prefix of it that ends on a line
// boundary must give the facts of the headers it contains.
TEST(ScanHeaders, FactsDependOnlyOnCompleteLines) {
  const std::string section =
      "From: Smith\r\n <a@example.com>\r\nDate: x\r\nMessage-ID: <m@example.com>\r\n";
  std::size_t pos = 0;
  int lines = 0;
  while ((pos = section.find("\r\n", pos)) != std::string::npos) {
    pos += 2;
    ++lines;
    HeaderFacts facts;
    LoadError error;
    ASSERT_TRUE(scan_headers(section.substr(0, pos), facts, error));
    ASSERT_TRUE(facts.from_address.has_value()) << lines;
    EXPECT_EQ(*facts.from_address, lines == 1 ? "Smith" : "a@example.com") << lines;
    EXPECT_EQ(facts.has_date, lines >= 3);
    EXPECT_EQ(facts.has_message_id, lines >= 4);
  }
  EXPECT_EQ(lines, 4);
}

}  // namespace
}  // namespace smtpsend::message
