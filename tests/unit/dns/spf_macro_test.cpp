// dns/spf macro strings (RFC 7208 §7): the syntax, each transformer, URL escaping, and the
// examples of §7.4.
#include "spf/macro.hpp"

#include <gtest/gtest.h>

#include <map>

namespace smtpsend::dns::spf {
namespace {

// §7.4's values: sender strong-bad@email.example.com, IPv4 192.0.2.3.
std::string example_value(char letter) {
  static const std::map<char, std::string> values{
      {'s', "strong-bad@email.example.com"}, {'l', "strong-bad"}, {'o', "email.example.com"},
      {'d', "email.example.com"}, {'i', "192.0.2.3"}, {'p', "mx.example.org"},
      {'v', "in-addr"}, {'h', "mx.example.org"}, {'c', "192.0.2.3"}, {'r', "receiver.example"},
      {'t', "1700000000"}};
  return values.at(letter);
}

std::string expand(std::string_view text, MacroContext context = MacroContext::domain_spec) {
  MacroParse parse = parse_macro_string(text, context);
  EXPECT_TRUE(parse.value) << text << ": " << parse.error;
  if (!parse.value) return "<invalid>";
  return expand_macro_string(*parse.value, example_value, 4096).value_or("<too long>");
}

bool valid(std::string_view text, MacroContext context = MacroContext::domain_spec) {
  return parse_macro_string(text, context).value.has_value();
}

TEST(SpfMacro, ExamplesOfRfc7208Section74) {
  EXPECT_EQ(expand("%{s}"), "strong-bad@email.example.com");
  EXPECT_EQ(expand("%{o}"), "email.example.com");
  EXPECT_EQ(expand("%{d}"), "email.example.com");
  EXPECT_EQ(expand("%{d4}"), "email.example.com");
  EXPECT_EQ(expand("%{d3}"), "email.example.com");
  EXPECT_EQ(expand("%{d2}"), "example.com");
  EXPECT_EQ(expand("%{d1}"), "com");
  EXPECT_EQ(expand("%{dr}"), "com.example.email");
  EXPECT_EQ(expand("%{d2r}"), "example.email");
  EXPECT_EQ(expand("%{l}"), "strong-bad");
  EXPECT_EQ(expand("%{l-}"), "strong.bad");
  EXPECT_EQ(expand("%{lr}"), "strong-bad");
  EXPECT_EQ(expand("%{lr-}"), "bad.strong");
  EXPECT_EQ(expand("%{l1r-}"), "strong");
  EXPECT_EQ(expand("%{ir}.%{v}._spf.%{d2}"), "3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp._spf.%{d2}"), "bad.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}"),
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
  EXPECT_EQ(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}"),
            "3.2.0.192.in-addr.strong.lp._spf.example.com");
  EXPECT_EQ(expand("%{d2}.trusted-domains.example.net"), "example.com.trusted-domains.example.net");
}

TEST(SpfMacro, EscapesAndLiterals) {
  EXPECT_EQ(expand("a%%b%_c%-d.example.com"), "a%b c%20d.example.com");
  EXPECT_EQ(expand("foo:bar/baz.example.com"), "foo:bar/baz.example.com");
}

TEST(SpfMacro, SeveralDelimitersAreJoinedWithDots) {
  // §7.3: the parts are rejoined with ".", not with the characters they were split on.
  EXPECT_EQ(expand("%{s-}"), "strong.bad@email.example.com");
  EXPECT_EQ(expand("%{sr.-}"), "com.example.bad@email.strong");
  EXPECT_EQ(expand("%{s2r+-}"), "bad@email.example.com.strong");
  EXPECT_FALSE(valid("%{s@}"));  // "@" is no delimiter (§7.1)
  EXPECT_EQ(expand("%{d2-}"), "email.example.com");  // one part: nothing to split on
}

TEST(SpfMacro, MoreDigitsThanPartsKeepsAll) {
  EXPECT_EQ(expand("%{d127}"), "email.example.com");
  EXPECT_EQ(expand("%{d99999999999999999999}"), "email.example.com");  // no overflow
}

TEST(SpfMacro, UppercaseLettersAreUrlEscaped) {
  MacroExpand upper;
  upper.letter = 'l';
  upper.url_escape = true;
  EXPECT_EQ(transform_macro_value(upper, "~jack&jill=up-a_b3.c"), "~jack%26jill%3Dup-a_b3.c");
  EXPECT_EQ(transform_macro_value(upper, "a b/c"), "a%20b%2Fc");
  EXPECT_EQ(expand("%{S}"), "strong-bad%40email.example.com");
}

TEST(SpfMacro, SyntaxErrors) {
  EXPECT_FALSE(valid("%"));                 // a trailing "%"
  EXPECT_FALSE(valid("%a.example.com"));    // "%" not followed by { % _ -
  EXPECT_FALSE(valid("%(ir).example.com"));
  EXPECT_FALSE(valid("%{x}.example.com"));  // unknown letter
  EXPECT_FALSE(valid("%{}.example.com"));
  EXPECT_FALSE(valid("%{d"));               // unterminated
  EXPECT_FALSE(valid("%{d0}"));             // §7.3: the DIGIT transformer is nonzero
  EXPECT_FALSE(valid("%{d2r*}"));           // "*" is no delimiter
  EXPECT_FALSE(valid("%{dr2}"));            // digits come before "r"
  EXPECT_FALSE(valid("a b.example.com"));   // SP only in explanations
  EXPECT_FALSE(valid("a\tb.example.com"));
  EXPECT_FALSE(valid("caf\xc3\xa9.example.com"));
  EXPECT_TRUE(valid("%{d2r.-+,/_=}"));
  EXPECT_TRUE(valid("%{D2R}"));
}

TEST(SpfMacro, CrtOnlyInExplanations) {
  EXPECT_FALSE(valid("%{c}.example.com"));
  EXPECT_FALSE(valid("%{r}.example.com"));
  EXPECT_FALSE(valid("%{T}.example.com"));
  EXPECT_TRUE(valid("%{c} %{r} %{t}", MacroContext::explanation));
  EXPECT_TRUE(valid("%{c}", MacroContext::unknown_modifier));
  EXPECT_EQ(expand("%{c} is not allowed by %{r} at %{t}", MacroContext::explanation),
            "192.0.2.3 is not allowed by receiver.example at 1700000000");
}

TEST(SpfMacro, ExpansionIsBounded) {
  std::string many;
  for (int i = 0; i < 300; ++i) many += "%{s}";
  MacroParse parse = parse_macro_string(many, MacroContext::domain_spec);
  ASSERT_TRUE(parse.value);
  EXPECT_FALSE(expand_macro_string(*parse.value, example_value, 4096));
  EXPECT_TRUE(expand_macro_string(*parse.value, example_value, 300 * 28));
}

}  // namespace
}  // namespace smtpsend::dns::spf
