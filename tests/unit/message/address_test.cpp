#include "smtpsend/message/address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpsend::message {
namespace {

struct AcceptCase {
  const char* name;
  std::string input;
  std::string text;
  std::string local;
  std::string domain;
  bool literal = false;
};

void PrintTo(const AcceptCase& c, std::ostream* os) {
  *os << c.name;
}

const std::string kLocal64(64, 'l');
// 254 octets in all: 64 + "@" + 189 (labels of 62, 62, 60 and 2 octets, and three dots).
const std::string kDomain189 =
    std::string(62, 'a') + "." + std::string(62, 'b') + "." + std::string(60, 'c') + ".de";

const AcceptCase kAcceptCases[] = {
    {"plain", "alice@example.com", "alice@example.com", "alice", "example.com"},
    {"angle_brackets", "<alice@example.com>", "alice@example.com", "alice", "example.com"},
    {"dots_and_plus", "first.last+tag@mail.example.com", "first.last+tag@mail.example.com",
     "first.last+tag", "mail.example.com"},
    {"all_atext", "!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com",
     "!#$%&'*+-/=?^_`{|}~", "example.com"},
    {"bare_root_qualified", "root", "root@qualify.example", "root", "qualify.example"},
    {"bare_in_angles_qualified", "<root>", "root@qualify.example", "root", "qualify.example"},
    {"single_label_domain", "a@localhost", "a@localhost", "a", "localhost"},
    {"hyphen_inside_label", "a@my-host.example", "a@my-host.example", "a", "my-host.example"},
    {"uppercase_kept", "Alice@Example.COM", "Alice@Example.COM", "Alice", "Example.COM"},
    {"ipv4_literal", "a@[192.0.2.1]", "a@[192.0.2.1]", "a", "[192.0.2.1]", true},
    {"ipv6_literal", "a@[IPv6:2001:db8::1]", "a@[IPv6:2001:db8::1]", "a", "[IPv6:2001:db8::1]",
     true},
    {"ipv6_mapped_literal", "a@[IPv6:::ffff:192.0.2.1]", "a@[IPv6:::ffff:192.0.2.1]", "a",
     "[IPv6:::ffff:192.0.2.1]", true},
    {"quoted_local_with_space", "\"john doe\"@example.com", "\"john doe\"@example.com",
     "\"john doe\"", "example.com"},
    {"quoted_local_with_at", "\"a@b\"@example.com", "\"a@b\"@example.com", "\"a@b\"",
     "example.com"},
    {"quoted_local_with_pair", "\"a\\\"b\\\\c\"@example.com", "\"a\\\"b\\\\c\"@example.com",
     "\"a\\\"b\\\\c\"", "example.com"},
    {"utf8_local", "j\xc3\xb6rg@example.com", "j\xc3\xb6rg@example.com", "j\xc3\xb6rg",
     "example.com"},
    {"utf8_domain",
     "a@b\xc3\xbc"
     "cher.example",
     "a@b\xc3\xbc"
     "cher.example",
     "a",
     "b\xc3\xbc"
     "cher.example"},
    {"cjk_both", "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\x85\xac\xe5\x8f\xb8",
     "\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.\xe5\x85\xac\xe5\x8f\xb8",
     "\xe7\x94\xa8\xe6\x88\xb7", "\xe4\xbe\x8b\xe5\xad\x90.\xe5\x85\xac\xe5\x8f\xb8"},
    {"local_64_octets", kLocal64 + "@example.com", kLocal64 + "@example.com", kLocal64,
     "example.com"},
    {"address_254_octets", kLocal64 + "@" + kDomain189, kLocal64 + "@" + kDomain189, kLocal64,
     kDomain189},
    {"label_63_octets", "a@" + std::string(63, 'x') + ".example",
     "a@" + std::string(63, 'x') + ".example", "a", std::string(63, 'x') + ".example"},
};

class AcceptTable : public testing::TestWithParam<AcceptCase> {};

TEST_P(AcceptTable, Parses) {
  const AcceptCase& c = GetParam();
  EnvelopeAddress out;
  std::string detail;
  ASSERT_TRUE(parse_envelope_address(c.input, "qualify.example", out, detail)) << detail;
  EXPECT_EQ(out.text, c.text);
  EXPECT_EQ(out.local, c.local);
  EXPECT_EQ(out.domain, c.domain);
  EXPECT_EQ(out.domain_literal, c.literal);
  EXPECT_TRUE(detail.empty());
}

// What parse produced must parse again to the same thing: MAIL FROM and RCPT TO are built
// from `text`.
TEST_P(AcceptTable, TextReparsesToItself) {
  EnvelopeAddress first;
  EnvelopeAddress second;
  std::string detail;
  ASSERT_TRUE(parse_envelope_address(GetParam().input, "qualify.example", first, detail));
  ASSERT_TRUE(parse_envelope_address(first.text, "", second, detail)) << detail;
  EXPECT_EQ(second.text, first.text);
  EXPECT_EQ(second.domain_key(), first.domain_key());
}

INSTANTIATE_TEST_SUITE_P(Message, AcceptTable, testing::ValuesIn(kAcceptCases),
                         [](const auto& info) { return std::string(info.param.name); });

struct RejectCase {
  const char* name;
  std::string input;
  std::string detail;
};

void PrintTo(const RejectCase& c, std::ostream* os) {
  *os << c.name;
}

const RejectCase kRejectCases[] = {
    {"empty", "", "bad address '': empty address"},
    {"empty_angles", "<>", "bad address '<>': empty address"},
    {"space", "a b@example.com", "bad address 'a b@example.com': contains a space"},
    {"leading_space", " a@example.com", "bad address ' a@example.com': contains a space"},
    {"space_in_domain", "a@exa mple.com", "bad address 'a@exa mple.com': contains a space"},
    {"double_at", "a@@b", "bad address 'a@@b': more than one '@'"},
    {"two_ats", "a@b@c", "bad address 'a@b@c': more than one '@'"},
    {"missing_local", "@example.com", "bad address '@example.com': missing local part"},
    {"missing_domain", "alice@", "bad address 'alice@': missing domain"},
    {"lf", "a@b\nRCPT TO:<x@y>", "bad address 'a@b<U+000A>RCPT TO:<x@y>': contains a line break"},
    {"cr", "a\r@b", "bad address 'a<U+000D>@b': contains a line break"},
    {"nul", std::string("a\0@b", 4), "bad address 'a<U+0000>@b': contains a control character"},
    {"open_angle_only", "<a@b", "bad address '<a@b': unbalanced angle brackets"},
    {"close_angle_only", "a@b>", "bad address 'a@b>': unbalanced angle brackets"},
    {"leading_dot", ".a@example.com",
     "bad address '.a@example.com': local part starts or ends "
     "with a dot"},
    {"trailing_dot", "a.@example.com",
     "bad address 'a.@example.com': local part starts or ends "
     "with a dot"},
    {"double_dot", "a..b@example.com",
     "bad address 'a..b@example.com': two dots in a row in the local part"},
    {"special_in_local", "a,b@example.com",
     "bad address 'a,b@example.com': invalid character ',' in the local part"},
    {"unterminated_quote", "\"abc@example.com",
     "bad address '\"abc@example.com': unterminated quoted string"},
    {"text_after_quote", "\"a\"b@example.com",
     "bad address '\"a\"b@example.com': text after the quoted local part"},
    {"empty_label", "a@example..com", "bad address 'a@example..com': empty label in the domain"},
    {"trailing_dot_domain", "a@example.com.",
     "bad address 'a@example.com.': empty label in the domain"},
    {"leading_hyphen", "a@-example.com",
     "bad address 'a@-example.com': domain label starts or ends with '-'"},
    {"underscore_domain", "a@ex_ample.com",
     "bad address 'a@ex_ample.com': invalid character '_' in the domain"},
    {"label_64_octets", "a@" + std::string(64, 'x') + ".example",
     "bad address 'a@" + std::string(64, 'x') + ".example': domain label longer than 63 octets"},
    {"bad_ipv4", "a@[192.0.2.256]", "bad address 'a@[192.0.2.256]': bad IPv4 address literal"},
    {"short_ipv4", "a@[192.0.2]", "bad address 'a@[192.0.2]': bad IPv4 address literal"},
    {"this_network_ipv4", "a@[0.0.0.0]",
     "bad address 'a@[0.0.0.0]': 0.0.0.0/8 (this network) is not a destination"},
    {"this_network_ipv4_any", "a@[0.1.2.3]",
     "bad address 'a@[0.1.2.3]': 0.0.0.0/8 (this network) is not a destination"},
    {"unspecified_ipv6", "a@[IPv6:::]",
     "bad address 'a@[IPv6:::]': the unspecified address :: is not a destination"},
    {"bad_ipv6", "a@[IPv6:2001:db8::g]",
     "bad address 'a@[IPv6:2001:db8::g]': bad IPv6 address literal"},
    {"ipv6_without_tag", "a@[2001:db8::1]",
     "bad address 'a@[2001:db8::1]': unsupported address literal"},
    {"unterminated_literal", "a@[192.0.2.1",
     "bad address 'a@[192.0.2.1': unterminated address literal"},
    {"invalid_utf8", "a\xc3@example.com", "bad address 'a\\xC3@example.com': invalid UTF-8"},
    {"overlong_utf8", "a\xc0\xae@example.com",
     "bad address 'a\\xC0\\xAE@example.com': invalid UTF-8"},
    {"surrogate_utf8", "a\xed\xa0\x80@example.com",
     "bad address 'a\\xED\\xA0\\x80@example.com': invalid UTF-8"},
    {"local_65_octets", std::string(65, 'l') + "@example.com",
     "bad address '" + std::string(65, 'l') + "@example.com': local part longer than 64 octets"},
    {"address_255_octets", kLocal64 + "@" + kDomain189 + "e",
     "bad address '" + kLocal64 + "@" + kDomain189 + "e': longer than 254 octets"},
    {"source_route", "<@relay.example:a@example.com>",
     "bad address '<@relay.example:a@example.com>': missing local part"},
};

class RejectTable : public testing::TestWithParam<RejectCase> {};

TEST_P(RejectTable, RejectsWithOneLineReason) {
  EnvelopeAddress out;
  out.text = "untouched";
  std::string detail;
  EXPECT_FALSE(parse_envelope_address(GetParam().input, "qualify.example", out, detail));
  EXPECT_EQ(detail, GetParam().detail);
  EXPECT_EQ(detail.find_first_of("\r\n"), std::string::npos);
  EXPECT_EQ(out.text, "untouched");
}

INSTANTIATE_TEST_SUITE_P(Message, RejectTable, testing::ValuesIn(kRejectCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(EnvelopeAddress, BareLocalPartNeedsAQualifyDomain) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_FALSE(parse_envelope_address("root", "", out, detail));
  EXPECT_EQ(detail, "bad address 'root': no domain and no qualify domain");
  EXPECT_FALSE(parse_envelope_address("root", "bad domain", out, detail));
  EXPECT_EQ(detail, "bad address 'root': the qualify domain is not a valid domain");
}

TEST(EnvelopeAddress, QualifiedAddressStillRespectsLengthLimit) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_FALSE(parse_envelope_address(kLocal64, kDomain189 + "e", out, detail));
  EXPECT_EQ(detail, "bad address '" + kLocal64 + "': longer than 254 octets");
  EXPECT_TRUE(parse_envelope_address(kLocal64, kDomain189, out, detail));
}

// Issue 10: the key is the lower-cased A-labels, so every spelling of an IDN domain is one.
TEST(EnvelopeAddress, DomainKeyIsLowerCasedALabels) {
  EnvelopeAddress out;
  std::string detail;
  ASSERT_TRUE(parse_envelope_address("Bob@Mail.EXAMPLE.com", "", out, detail));
  EXPECT_EQ(out.domain_key(), "mail.example.com");
  ASSERT_TRUE(parse_envelope_address("a@B\xc3\x9c.Example", "", out, detail));
  EXPECT_EQ(out.domain_key(), "xn--b-eha.example");
  ASSERT_TRUE(parse_envelope_address("a@[IPv6:2001:DB8::1]", "", out, detail));
  EXPECT_EQ(out.domain_key(), "[IPv6:2001:DB8::1]");
}

// Found by address_fuzz: UTS #46 maps U+00AD (soft hyphen) to nothing, so "n@\u00ad" converted
// to an empty A-label domain and was accepted with no domain to send to. A domain whose
// A-label form is not a valid host name is refused like any other bad domain.
TEST(EnvelopeAddress, DomainThatMapsToNothingIsRefused) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_FALSE(parse_envelope_address("n@\xc2\xad", "", out, detail));
  EXPECT_EQ(detail, "bad address 'n@\xc2\xad': the domain is not a valid internationalised "
                    "domain name (IDNA2008)");
  EXPECT_FALSE(parse_envelope_address("n@a.\xc2\xad.example", "", out, detail));
  EXPECT_TRUE(parse_envelope_address("n@a\xc2\xad" "b.example", "", out, detail));
  EXPECT_EQ(out.domain_key(), "ab.example");
}

}  // namespace
}  // namespace smtpsend::message
