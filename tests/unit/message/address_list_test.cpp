#include "smtpsend/message/address_list.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/message/header_parser.hpp"

namespace smtpsend::message {
namespace {

struct ListCase {
  const char* name;
  std::string body;
  std::vector<Mailbox> mailboxes;
};

void PrintTo(const ListCase& c, std::ostream* os) {
  *os << c.name;
}

// Field bodies as real mail writes them (after unfolding).
const ListCase kLists[] = {
    {"plain", " alice@example.com", {{"", "alice@example.com", ""}}},
    {"display_name",
     " Alice Smith <alice@example.com>",
     {{"Alice Smith", "alice@example.com", ""}}},
    {"quoted_name_with_comma",
     " \"Smith, Alice\" <alice@example.com>, bob@example.org",
     {{"Smith, Alice", "alice@example.com", ""}, {"", "bob@example.org", ""}}},
    {"quoted_pair_in_name",
     R"( "A \"Q\" \\ B" <a@example.com>)",
     {{R"(A "Q" \ B)", "a@example.com", ""}}},
    {"comments_everywhere",
     " (lead) alice(x)@(y)example.com (Alice (nested) Smith), <bob@example.org> (Bob)",
     {{"", "alice@example.com", ""}, {"", "bob@example.org", ""}}},
    {"comment_holding_specials",
     " a@example.com (not <b@example.com>, \"c\")",
     {{"", "a@example.com", ""}}},
    {"empty_group", " undisclosed-recipients:;", {}},
    {"group_then_mailbox",
     " Team: a@example.com, \"B\" <b@example.com>;, c@example.com",
     {{"", "a@example.com", "Team"}, {"B", "b@example.com", "Team"}, {"", "c@example.com", ""}}},
    {"obsolete_route",
     " <@relay1.example,@relay2.example:joe@example.com>",
     {{"", "joe@example.com", ""}}},
    {"obsolete_empty_elements",
     " , a@example.com,, ,b@example.com,",
     {{"", "a@example.com", ""}, {"", "b@example.com", ""}}},
    {"obsolete_cfws_around_dots",
     " john . q . public @ example . com",
     {{"", "john.q.public@example.com", ""}}},
    {"obsolete_phrase_with_dot",
     " John Q. Public <jqp@example.com>",
     {{"John Q. Public", "jqp@example.com", ""}}},
    // "To: Alice\r\n\t<alice@\r\n example.com>" after unfolding (RFC 5322 §2.2.3).
    {"folded_then_unfolded", " Alice\t<alice@ example.com>", {{"Alice", "alice@example.com", ""}}},
    {"utf8_display_name",
     " J\xc3\xb6rg M\xc3\xbcller <joerg@example.de>",
     {{"J\xc3\xb6rg M\xc3\xbcller", "joerg@example.de", ""}}},
    {"utf8_local_part",
     " \xe7\x94\xa8\xe6\x88\xb7@example.cn",
     {{"", "\xe7\x94\xa8\xe6\x88\xb7@example.cn", ""}}},
    {"encoded_word_name_kept",
     " =?UTF-8?Q?J=C3=B6rg?= <joerg@example.com>",
     {{"=?UTF-8?Q?J=C3=B6rg?=", "joerg@example.com", ""}}},
    {"quoted_local_part", " \"john doe\"@example.com", {{"", "\"john doe\"@example.com", ""}}},
    {"domain_literal",
     " a@[192.0.2.1], b@[IPv6:2001:db8::1]",
     {{"", "a@[192.0.2.1]", ""}, {"", "b@[IPv6:2001:db8::1]", ""}}},
    {"bare_local_part_of_cron", " root", {{"", "root", ""}}},
    {"empty", "  ", {}},
};

// ---- The same tables through the header parser (DESIGN.md rule 5) ----

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// A header section whose To: field holds `body` folded (RFC 5322 §2.2.3) before every white
// space that precedes text, quoted strings and comments included, between two other fields.
std::string section_with_to(std::string_view body) {
  std::string folded;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (is_wsp(body[i]) && i + 1 < body.size() && !is_wsp(body[i + 1])) folded += "\r\n";
    folded += body[i];
  }
  return "From: a@example.com\r\nTo:" + folded + "\r\nSubject: x\r\n\r\nBody\r\n";
}

// The unfolded body of the To: field, the section fed in pieces cut at `cuts`.
std::string to_body_in_pieces(std::string_view section, const std::vector<std::size_t>& cuts) {
  HeaderParser parser;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    parser.feed(section.substr(at, cut - at));
    at = cut;
  }
  parser.feed(section.substr(at));
  EXPECT_EQ(parser.finish(), HeaderParseStatus::done) << parser.error();
  EXPECT_EQ(parser.fields().size(), 3u);
  for (const HeaderField& field : parser.fields()) {
    if (field.name == "To") return field.unfolded_body();
  }
  ADD_FAILURE() << "no To: field";
  return {};
}

// Whole, one byte at a time, and in two pieces at every offset: each way gives back exactly
// the body the table holds.
std::vector<std::string> to_bodies_every_way(std::string_view body) {
  const std::string section = section_with_to(body);
  std::vector<std::string> bodies{to_body_in_pieces(section, {})};
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < section.size(); ++i) every_byte.push_back(i);
  bodies.push_back(to_body_in_pieces(section, every_byte));
  for (std::size_t cut = 0; cut <= section.size(); ++cut) {
    bodies.push_back(to_body_in_pieces(section, {cut}));
  }
  return bodies;
}

class AddressLists : public testing::TestWithParam<ListCase> {};

TEST_P(AddressLists, YieldTheirMailboxes) {
  std::vector<Mailbox> found;
  std::string why;
  ASSERT_TRUE(parse_address_list(GetParam().body, found, why)) << why;
  EXPECT_EQ(found, GetParam().mailboxes);
}

TEST_P(AddressLists, SurviveAFoldedToFieldSplitAtEveryOffset) {
  for (const std::string& body : to_bodies_every_way(GetParam().body)) {
    ASSERT_EQ(body, GetParam().body);
    std::vector<Mailbox> found;
    std::string why;
    ASSERT_TRUE(parse_address_list(body, found, why)) << why;
    EXPECT_EQ(found, GetParam().mailboxes);
  }
}

INSTANTIATE_TEST_SUITE_P(Message, AddressLists, testing::ValuesIn(kLists),
                         [](const auto& info) { return std::string(info.param.name); });

struct BadCase {
  const char* name;
  std::string body;
  std::string why;
};

void PrintTo(const BadCase& c, std::ostream* os) {
  *os << c.name;
}

const BadCase kBad[] = {
    {"unterminated_quote", " \"Smith, Alice <alice@example.com>", "unterminated quoted string"},
    {"unterminated_comment", " alice@example.com (Alice", "unterminated comment"},
    {"unterminated_literal", " a@[192.0.2.1", "unterminated domain literal"},
    {"missing_close_angle", " Alice <alice@example.com",
     "'<alice@example.com' is not closed with '>'"},
    {"name_without_address", " Alice Smith", "'Alice Smith' is not an address"},
    {"missing_domain", " alice@", "expected a domain after 'alice@', found the end"},
    {"two_at_signs", " a@b@example.com", "expected ',' between addresses, found '@'"},
    {"empty_angle", " Nobody <>", "empty address '<>'"},
    {"group_not_closed", " Team: a@example.com", "group 'Team' is not closed with ';'"},
    {"control_byte", " a\x01@example.com", "control character in the address list"},
    {"stray_bracket", " a@example.com]", "unexpected ']'"},
    {"missing_comma", " <a@example.com> <b@example.com>",
     "expected ',' between addresses, found '<'"},
};

class BadAddressLists : public testing::TestWithParam<BadCase> {};

TEST_P(BadAddressLists, AreErrorsWithAReason) {
  std::vector<Mailbox> found;
  std::string why;
  EXPECT_FALSE(parse_address_list(GetParam().body, found, why));
  EXPECT_EQ(why, GetParam().why);
  EXPECT_TRUE(found.empty());
}

TEST_P(BadAddressLists, FailTheSameInAFoldedToFieldSplitAtEveryOffset) {
  for (const std::string& body : to_bodies_every_way(GetParam().body)) {
    ASSERT_EQ(body, GetParam().body);
    std::vector<Mailbox> found;
    std::string why;
    EXPECT_FALSE(parse_address_list(body, found, why));
    EXPECT_EQ(why, GetParam().why);
  }
}

INSTANTIATE_TEST_SUITE_P(Message, BadAddressLists, testing::ValuesIn(kBad),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AddressList, ItemsKeepGroupsEvenEmptyOnes) {
  std::vector<AddressListItem> items;
  std::string why;
  ASSERT_TRUE(parse_address_items(
      " undisclosed-recipients:;, Ann <a@example.com>, Team: b@example.com, C <c@x.org>;", items,
      why))
      << why;
  const std::vector<AddressListItem> expected{
      {"undisclosed-recipients", {}},
      {std::nullopt, {{"Ann", "a@example.com", ""}}},
      {"Team", {{"", "b@example.com", "Team"}, {"C", "c@x.org", "Team"}}}};
  EXPECT_EQ(items, expected);
  EXPECT_FALSE(parse_address_items(" Team: a@example.com", items, why));
  EXPECT_EQ(why, "group 'Team' is not closed with ';'");
  EXPECT_EQ(items.size(), 3u);  // nothing appended on error
}

TEST(AddressList, AppendsToWhatIsThere) {
  std::vector<Mailbox> found{{"", "x@example.com", ""}};
  std::string why;
  ASSERT_TRUE(parse_address_list("y@example.com", found, why));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1].address, "y@example.com");
}

}  // namespace
}  // namespace smtpsend::message
