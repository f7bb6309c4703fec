#include "smtpsend/message/header_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

struct Parsed {
  HeaderParseStatus status;
  std::vector<HeaderField> fields;
  bool has_header_section;
  std::size_t header_end;
  std::size_t body_offset;
  std::string error;
  friend bool operator==(const Parsed&, const Parsed&) = default;
};

Parsed parse_in_pieces(std::string_view input, const std::vector<std::size_t>& cuts) {
  HeaderParser parser;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    parser.feed(input.substr(at, cut - at));
    at = cut;
  }
  parser.feed(input.substr(at));
  parser.finish();
  return {parser.status(),     parser.fields(),      parser.has_header_section(),
          parser.header_end(), parser.body_offset(), parser.error()};
}

Parsed parse_whole(std::string_view input) {
  return parse_in_pieces(input, {});
}

// The parser must give the same answer however the input is split (DESIGN.md rule 5): one
// byte at a time, and in two pieces at every offset.
void expect_split_invariant(std::string_view input) {
  const Parsed whole = parse_whole(input);
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < input.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(parse_in_pieces(input, every_byte), whole) << "byte by byte";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    ASSERT_EQ(parse_in_pieces(input, {cut}), whole) << "split at " << cut;
  }
}

struct HeaderCase {
  const char* name;
  std::string input;
  std::vector<std::pair<std::string, std::string>> fields;  // name, unfolded body
  std::string body;
};

void PrintTo(const HeaderCase& c, std::ostream* os) {
  *os << c.name;
}

const HeaderCase kRealWorld[] = {
    {"cron",
     "From: root (Cron Daemon)\r\nTo: root\r\nSubject: Cron <root@host> backup\r\n"
     "X-Cron-Env: <SHELL=/bin/sh>\r\n\r\nbackup done\r\n",
     {{"From", " root (Cron Daemon)"},
      {"To", " root"},
      {"Subject", " Cron <root@host> backup"},
      {"X-Cron-Env", " <SHELL=/bin/sh>"}},
     "backup done\r\n"},
    {"folded_to_and_received",
     "Received: from mx.example.org (mx.example.org [192.0.2.1])\r\n\tby host with ESMTPS;\r\n"
     " Mon, 23 Nov 2026 22:13:00 +0000\r\nTo: \"Smith, Alice\" <alice@example.com>,\r\n"
     "  Bob <bob@example.com>\r\n\r\n",
     {{"Received",
       " from mx.example.org (mx.example.org [192.0.2.1])\tby host with ESMTPS; Mon, 23 Nov "
       "2026 22:13:00 +0000"},
      {"To", " \"Smith, Alice\" <alice@example.com>,  Bob <bob@example.com>"}},
     ""},
    {"utf8_display_name_lf_endings",
     "From: J\xc3\xb6rg M\xc3\xbcller <joerg@example.de>\nCc: undisclosed-recipients:;\n\nhi\n",
     {{"From", " J\xc3\xb6rg M\xc3\xbcller <joerg@example.de>"},
      {"Cc", " undisclosed-recipients:;"}},
     "hi\n"},
    {"obsolete_space_before_colon_and_empty_body",
     "Subject : x\r\nBcc:\r\nTo: a@example.com\r\n\r\n",
     {{"Subject", " x"}, {"Bcc", ""}, {"To", " a@example.com"}},
     ""},
    {"no_empty_line",
     "Subject: only headers\r\nTo: a@b.example",
     {{"Subject", " only headers"}, {"To", " a@b.example"}},
     ""},
};

class RealWorldHeaders : public testing::TestWithParam<HeaderCase> {};

TEST_P(RealWorldHeaders, SplitsIntoFieldsWhateverTheChunks) {
  const HeaderCase& c = GetParam();
  const Parsed whole = parse_whole(c.input);
  ASSERT_EQ(whole.status, HeaderParseStatus::done) << whole.error;
  ASSERT_EQ(whole.fields.size(), c.fields.size());
  std::string raw_concatenation;
  for (std::size_t i = 0; i < c.fields.size(); ++i) {
    EXPECT_EQ(whole.fields[i].name, c.fields[i].first);
    EXPECT_EQ(whole.fields[i].unfolded_body(), c.fields[i].second);
    EXPECT_EQ(whole.fields[i].offset, raw_concatenation.size());
    raw_concatenation += whole.fields[i].raw;
  }
  // The raw lines are the input, byte for byte, up to the empty line.
  EXPECT_EQ(raw_concatenation, c.input.substr(0, whole.header_end));
  EXPECT_EQ(c.input.substr(whole.body_offset), c.body);
  expect_split_invariant(c.input);
}

INSTANTIATE_TEST_SUITE_P(Message, RealWorldHeaders, testing::ValuesIn(kRealWorld),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HeaderParser, StopsAtTheEmptyLineAndLeavesTheBody) {
  HeaderParser parser;
  EXPECT_EQ(parser.feed("To: a@example.com\r\n\r\nNot: a header\r\n"), HeaderParseStatus::done);
  EXPECT_EQ(parser.fields().size(), 1u);
  EXPECT_EQ(parser.header_end(), 19u);
  EXPECT_EQ(parser.body_offset(), 21u);
  EXPECT_EQ(parser.feed("More: bytes\r\n"), HeaderParseStatus::done);
  EXPECT_EQ(parser.fields().size(), 1u);
}

TEST(HeaderParser, NeedsMoreUntilTheLineEnds) {
  HeaderParser parser;
  EXPECT_EQ(parser.feed("To: a@exa"), HeaderParseStatus::need_more);
  EXPECT_TRUE(parser.fields().empty());
  EXPECT_EQ(parser.feed("mple.com\r\n"), HeaderParseStatus::need_more);
  ASSERT_EQ(parser.fields().size(), 1u);
  EXPECT_EQ(parser.feed("\r"), HeaderParseStatus::need_more);
  EXPECT_EQ(parser.feed("\n"), HeaderParseStatus::done);
}

TEST(HeaderParser, InputThatDoesNotOpenWithAFieldIsAllBody) {
  for (const std::string& input : std::vector<std::string>{
           "Hello there\r\nTo: x\r\n", " To: x\r\n\r\n", std::string(5000, 'x') + "\r\n"}) {
    const Parsed parsed = parse_whole(input);
    EXPECT_EQ(parsed.status, HeaderParseStatus::done);
    EXPECT_FALSE(parsed.has_header_section);
    EXPECT_EQ(parsed.body_offset, 0u);
    EXPECT_TRUE(parsed.fields.empty());
    expect_split_invariant(input.substr(0, 40));
  }
}

struct MalformedCase {
  const char* name;
  std::string input;
  std::string error;
};

void PrintTo(const MalformedCase& c, std::ostream* os) {
  *os << c.name;
}

std::string line_of(std::size_t length, const std::string& name) {
  std::string line = name + ": ";
  line.append(length - line.size(), 'x');
  return line;
}

const MalformedCase kMalformed[] = {
    {"not_a_field", "Subject: x\r\nBad Name: y\r\n\r\n",
     "header line 2 is neither a header field nor a continuation line: 'Bad Name: y'"},
    {"line_of_999", "To: a@example.com\r\n" + line_of(999, "Subject") + "\r\n\r\n",
     "header line 2 (Subject) is longer than 998 octets (RFC 5322 §2.1.1)"},
    {"continuation_of_999", "To: a@example.com,\r\n " + std::string(998, 'z') + "\r\n\r\n",
     "header line 2 (To) is longer than 998 octets (RFC 5322 §2.1.1)"},
    {"unterminated_long_last_line", line_of(999, "X-Big"),
     "header line 1 (X-Big) is longer than 998 octets (RFC 5322 §2.1.1)"},
};

class MalformedHeaders : public testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedHeaders, FailWithASentenceNamingTheHeader) {
  const Parsed parsed = parse_whole(GetParam().input);
  EXPECT_EQ(parsed.status, HeaderParseStatus::error);
  EXPECT_EQ(parsed.error, GetParam().error);
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < GetParam().input.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(parse_in_pieces(GetParam().input, every_byte), parsed);
}

INSTANTIATE_TEST_SUITE_P(Message, MalformedHeaders, testing::ValuesIn(kMalformed),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(HeaderParser, LineOf998OctetsPasses) {
  const Parsed parsed = parse_whole(line_of(998, "Subject") + "\r\n\r\n");
  EXPECT_EQ(parsed.status, HeaderParseStatus::done) << parsed.error;
}

TEST(HeaderParser, SectionWithoutEndWithinTheBoundFails) {
  const std::string line = line_of(998, "X-Filler") + "\r\n";
  HeaderParser parser;
  HeaderParseStatus status = HeaderParseStatus::need_more;
  std::size_t fed = 0;
  while (status == HeaderParseStatus::need_more && fed < 2 * kMaxHeaderSection) {
    status = parser.feed(line);
    fed += line.size();
  }
  EXPECT_EQ(status, HeaderParseStatus::error);
  EXPECT_EQ(parser.error(), "the header section does not end within 1048576 octets");
  EXPECT_LE(fed, kMaxHeaderSection + 2 * line.size());
}

}  // namespace
}  // namespace smtpsend::message
