// The one address-list tokenizer: strict for the lists smtpsend acts on (address_list.hpp),
// lenient for the sender of a header someone else wrote (mailbox_list.hpp).
#include "address_tokens.hpp"

#include <gtest/gtest.h>

namespace smtpsend::message::detail {
namespace {

// Tokens as "kind:text" strings: a for atom, q quoted, l literal, s special.
std::vector<std::string> shown(const std::vector<AddressToken>& tokens) {
  std::vector<std::string> out;
  for (const AddressToken& t : tokens) {
    const char* kind = t.kind == TokenKind::atom     ? "a:"
                       : t.kind == TokenKind::quoted ? "q:"
                       : t.kind == TokenKind::literal ? "l:"
                                                      : "s:";
    out.push_back(kind + std::string(t.text));
  }
  return out;
}

std::vector<std::string> tokens(std::string_view body, Leniency leniency) {
  std::vector<AddressToken> out;
  std::string why;
  EXPECT_TRUE(address_tokens(body, leniency, out, why)) << why;
  return shown(out);
}

std::string strict_error(std::string_view body) {
  std::vector<AddressToken> out;
  std::string why;
  EXPECT_FALSE(address_tokens(body, Leniency::strict, out, why));
  return why;
}

TEST(AddressTokens, CommentsAndWhiteSpaceAreDroppedRunsAreOneTokenEach) {
  const std::vector<std::string> expected{
      "a:Joe", "s:<", "a:joe", "s:@", "a:x", "s:.", "a:org", "s:>", "s:,", "q:\"a, \\\"b\"",
      "s:<",   "a:c", "s:@",   "l:[192.0.2.1]", "s:>", "s:,", "a:undisclosed", "s::", "s:;"};
  const std::string_view body =
      "Joe (a (nested) comment) <joe@x.org>,\t\"a, \\\"b\" <c@[192.0.2.1]>, undisclosed:;";
  EXPECT_EQ(tokens(body, Leniency::strict), expected);
  EXPECT_EQ(tokens(body, Leniency::lenient), expected);
}

TEST(AddressTokens, Utf8IsAtomTextInBothModes) {
  const std::vector<std::string> expected{"a:J\xc3\xb6rg", "a:j\xc3\xb6rg", "s:@", "a:x"};
  EXPECT_EQ(tokens("J\xc3\xb6rg j\xc3\xb6rg@x", Leniency::strict), expected);
  EXPECT_EQ(tokens("J\xc3\xb6rg j\xc3\xb6rg@x", Leniency::lenient), expected);
}

TEST(AddressTokens, StrictRefusesWithOneSentence) {
  EXPECT_EQ(strict_error("a\x01" "b@x"), "control character in the address list");
  EXPECT_EQ(strict_error("a@x\r\n"), "control character in the address list");
  EXPECT_EQ(strict_error("(a\x7f) a@x"), "control character in the address list");
  EXPECT_EQ(strict_error("\"a\x01\"@x"), "control character in the address list");
  EXPECT_EQ(strict_error("a@x (open"), "unterminated comment");
  EXPECT_EQ(strict_error("\"a@x"), "unterminated quoted string");
  EXPECT_EQ(strict_error("a@[1.2.3.4"), "unterminated domain literal");
  EXPECT_EQ(strict_error("a)b"), "unexpected ')'");
  EXPECT_EQ(strict_error("a]b"), "unexpected ']'");
  EXPECT_EQ(strict_error("a\\b"), "unexpected '\\'");
}

TEST(AddressTokens, LenientTakesWhatStrictRefuses) {
  EXPECT_EQ(tokens("root\r\n (Cron Daemon)", Leniency::lenient), (std::vector<std::string>{"a:root"}));
  EXPECT_EQ(tokens("a\x01" "b@x", Leniency::lenient),
            (std::vector<std::string>{"a:a\x01" "b", "s:@", "a:x"}));
  EXPECT_EQ(tokens("a@x (open", Leniency::lenient),
            (std::vector<std::string>{"a:a", "s:@", "a:x"}));
  EXPECT_EQ(tokens("\"a@x", Leniency::lenient), (std::vector<std::string>{"q:\"a@x"}));
  EXPECT_EQ(tokens("a@[1.2", Leniency::lenient),
            (std::vector<std::string>{"a:a", "s:@", "l:[1.2"}));
  EXPECT_EQ(tokens("a)b]c\\d", Leniency::lenient),
            (std::vector<std::string>{"a:a", "s:)", "a:b", "s:]", "a:c\\d"}));
}

TEST(AddressTokens, TokensAreViewsOfTheFieldBody) {
  const std::string body = "a (c) <b@x>";
  std::vector<AddressToken> out;
  std::string why;
  ASSERT_TRUE(address_tokens(body, Leniency::strict, out, why)) << why;
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[2].text.data(), body.data() + 7);
  EXPECT_TRUE(out[1].is('<'));
  EXPECT_TRUE(out[0].is_word());
  EXPECT_FALSE(out[1].is_word());
}

}  // namespace
}  // namespace smtpsend::message::detail
