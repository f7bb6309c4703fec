// Issue 10: invisible and control characters refused in envelope addresses, IDNA checked up
// front, one mailbox whatever the spelling of its IDN domain, A-labels for generated fields.
#include <gtest/gtest.h>

#include <string>

#include "smtpsend/message/address.hpp"
#include "smtpsend/message/envelope_recipients.hpp"

namespace smtpsend::message {
namespace {

struct Refused {
  std::string input;
  std::string shown;  // how the detail names the character
};

class ForbiddenCharacter : public ::testing::TestWithParam<Refused> {};

TEST_P(ForbiddenCharacter, IsRefusedWithTheCharacterNamed) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_FALSE(parse_envelope_address(GetParam().input, "client.test", out, detail));
  EXPECT_NE(detail.find(GetParam().shown), std::string::npos) << detail;
  EXPECT_EQ(detail.find('\n'), std::string::npos);
  EXPECT_EQ(detail.find("\u202e"), std::string::npos) << "the raw override must not be printed";
}

INSTANTIATE_TEST_SUITE_P(
    Address, ForbiddenCharacter,
    ::testing::Values(
        Refused{"a\u202e@example.test", "a<U+202E>@example.test"},
        Refused{"a@exa\u202emple.test", "<U+202E>"}, Refused{"a\u0085@example.test", "<U+0085>"},
        Refused{"a\u2028@example.test", "<U+2028>"}, Refused{"a\u2029@example.test", "<U+2029>"},
        Refused{"\ufeffa@example.test", "<U+FEFF>"}, Refused{"a\u200e@example.test", "<U+200E>"},
        Refused{"a\u200f@example.test", "<U+200F>"}, Refused{"a\u202a@example.test", "<U+202A>"},
        Refused{"a\u2066@example.test", "<U+2066>"}, Refused{"a\u2069@example.test", "<U+2069>"},
        Refused{"\"a\u202e\"@example.test", "<U+202E>"}));

TEST(AddressCharacters, OrdinaryUtf8IsStillAccepted) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_TRUE(parse_envelope_address("j\u00f6rg@b\u00fccher.example", "", out, detail)) << detail;
  EXPECT_TRUE(parse_envelope_address("\u05d0@example.test", "", out, detail)) << detail;
}

TEST(AddressIdna, ADomainIdnaRefusesIsRefusedWhenParsed) {
  EnvelopeAddress out;
  std::string detail;
  EXPECT_FALSE(parse_envelope_address("b@\u0300a.test", "", out, detail));
  EXPECT_NE(detail.find("IDNA2008"), std::string::npos) << detail;
}

TEST(AddressIdna, HeaderTextIsALabelsUnlessTheLocalPartIsNonAscii) {
  EnvelopeAddress out;
  std::string detail;
  ASSERT_TRUE(parse_envelope_address("user@B\u00fccher.example", "", out, detail)) << detail;
  EXPECT_EQ(out.text, "user@B\u00fccher.example");
  EXPECT_EQ(out.header_text(), "user@xn--bcher-kva.example");
  ASSERT_TRUE(parse_envelope_address("j\u00f6rg@b\u00fccher.example", "", out, detail));
  EXPECT_EQ(out.header_text(), "j\u00f6rg@b\u00fccher.example");
  ASSERT_TRUE(parse_envelope_address("a@[192.0.2.1]", "", out, detail));
  EXPECT_EQ(out.header_text(), "a@[192.0.2.1]");
}

TEST(AddressIdna, ThreeSpellingsOfOneIdnDomainAreOneMailbox) {
  const std::vector<std::string> texts{"x@b\u00fccher.example", "x@B\u00dcCHER.example",
                                       "x@xn--bcher-kva.example", "X@xn--bcher-kva.example"};
  std::vector<EnvelopeAddress> out;
  std::string detail;
  ASSERT_TRUE(add_recipients(texts, "", out, detail)) << detail;
  ASSERT_EQ(out.size(), 2u);  // the local part still compares exactly (RFC 5321 §2.4)
  EXPECT_EQ(out[0].text, "x@b\u00fccher.example");
  EXPECT_EQ(out[1].text, "X@xn--bcher-kva.example");
}

}  // namespace
}  // namespace smtpsend::message
