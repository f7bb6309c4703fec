// The 7-bit form of 8-bit messages (RFC 6152 §3): round trips through a quoted-printable
// decoder, line lengths, CRLF, multipart walking and the cases that cannot be converted.
#include "smtpsend/message/seven_bit_downgrade.hpp"

#include <gtest/gtest.h>

#include <string>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2045 §6.7 decoding: "=XY" is an octet, "=" at the end of a line a soft break.
std::string decode_qp(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (text.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    }
  }
  return out;
}

std::string body_of(const std::string& entity) {
  return entity.substr(entity.find("\r\n\r\n") + 4);
}

std::string header_of(const std::string& entity) {
  return entity.substr(0, entity.find("\r\n\r\n") + 2);
}

void expect_seven_bit_lines(const std::string& content) {
  EXPECT_FALSE(has_eight_bit(content));
  EXPECT_EQ(canonicalize_crlf(content), content);
  std::size_t start = 0;
  while (start < content.size()) {
    const std::size_t end = content.find("\r\n", start);
    EXPECT_LE(end - start, 76u) << content.substr(start, end - start);
    start = end + 2;
  }
}

constexpr char kHeader[] = "From: a@example.org\r\nSubject: hi\r\n";

// kHeader as a converted top-level leaf without Content-Type gets it (UTF-8 text).
std::string converted_header() {
  return std::string(kHeader) +
         "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Content-Transfer-Encoding: quoted-printable\r\n";
}

TEST(SevenBitDowngrade, SevenBitMessageIsUnchanged) {
  const std::string message = std::string(kHeader) + "\r\nplain text\r\n";
  const SevenBitForm form = seven_bit_downgrade(message);
  EXPECT_TRUE(form.error.empty());
  EXPECT_EQ(form.content, message);
}

// Issue 10 item 7: RFC 5321 §4.5.3.1.6 limits a line to 998 octets; a server may cut or wrap
// a longer one (Haraka inserts CRLF SP), so such a body goes quoted-printable for every server.
TEST(SevenBitDowngrade, SevenBitBodyLineOver998OctetsIsEncoded) {
  const std::string body = "short\r\n" + std::string(2000, 'w') + "\r\n" + std::string(998, 'k') +
                           "\r\n" + std::string(5000, ' ') + "end\r\n";
  const SevenBitForm form = seven_bit_downgrade(std::string(kHeader) + "\r\n" + body);
  ASSERT_TRUE(form.error.empty()) << form.error;
  EXPECT_TRUE(form.encoded_long_lines);
  expect_seven_bit_lines(form.content);
  EXPECT_EQ(header_of(form.content), converted_header());
  EXPECT_EQ(decode_qp(body_of(form.content)), body);
}

TEST(SevenBitDowngrade, LinesOf998OctetsAreNotEncoded) {
  const std::string message =
      std::string(kHeader) + "\r\n" + std::string(998, 'k') + "\r\n" + std::string(998, 'z');
  const SevenBitForm form = seven_bit_downgrade(message);
  EXPECT_TRUE(form.error.empty());
  EXPECT_FALSE(form.encoded_long_lines);
  EXPECT_EQ(form.content, message);
}

// Only a leaf's body can be re-encoded: a long line in a part already declared base64, or in a
// preamble, stays as it is (and is no reason to refuse the message).
TEST(SevenBitDowngrade, OnlyTheLeafWithALongLineIsEncoded) {
  const std::string long_line = std::string(1500, 'L') + "\r\n";
  const std::string base64_part =
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      long_line;
  const std::string short_part = "Content-Type: text/plain\r\n\r\nshort\r\n";
  const std::string long_part = "Content-Type: text/plain\r\n\r\n" + long_line;
  const std::string head =
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n";
  const std::string message = head + long_line + "--b\r\n" + base64_part + "--b\r\n" +
                              short_part + "--b\r\n" + long_part + "--b--\r\n";
  const SevenBitForm form = seven_bit_downgrade(message);
  ASSERT_TRUE(form.error.empty()) << form.error;
  EXPECT_TRUE(form.encoded_long_lines);
  EXPECT_EQ(form.content, head + long_line + "--b\r\n" + base64_part + "--b\r\n" + short_part +
                              "--b\r\nContent-Type: text/plain\r\n"
                              "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
                              body_of(seven_bit_downgrade(long_part).content) + "--b--\r\n");

  const SevenBitForm untouched = seven_bit_downgrade(head + long_line + "--b\r\n" + base64_part +
                                                     "--b--\r\n");
  EXPECT_TRUE(untouched.error.empty());
  EXPECT_FALSE(untouched.encoded_long_lines);
  EXPECT_EQ(untouched.content, head + long_line + "--b\r\n" + base64_part + "--b--\r\n");
}

TEST(SevenBitDowngrade, PlainMessageBecomesQuotedPrintableAndRoundTrips) {
  const std::string body = "na\xc3\xafve caf\xc3\xa9\r\n.starts with a dot\r\nFrom the start\r\n" +
                           std::string(200, 'x') + "\xc3\xa9\r\ntrailing space \r\n= sign\r\n";
  const SevenBitForm form = seven_bit_downgrade(std::string(kHeader) + "\r\n" + body);
  ASSERT_TRUE(form.error.empty()) << form.error;
  expect_seven_bit_lines(form.content);
  EXPECT_EQ(header_of(form.content), converted_header());
  EXPECT_EQ(decode_qp(body_of(form.content)), body);
  EXPECT_NE(body_of(form.content).find("\r\n.starts with a dot\r\n"), std::string::npos);
}

TEST(SevenBitDowngrade, NotUtf8IsUnknown8Bit) {
  const SevenBitForm form = seven_bit_downgrade(std::string(kHeader) + "\r\ncaf\xe9\r\n");
  ASSERT_TRUE(form.error.empty());
  EXPECT_NE(form.content.find("Content-Type: text/plain; charset=unknown-8bit\r\n"),
            std::string::npos);
  EXPECT_EQ(decode_qp(body_of(form.content)), "caf\xe9\r\n");
}

TEST(SevenBitDowngrade, ExistingTransferEncodingIsReplacedAndContentTypeKept) {
  const std::string message =
      "MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n charset=\"iso-8859-1\"\r\n"
      "Content-Transfer-Encoding: 8bit\r\nSubject: x\r\n\r\ncaf\xe9\r\n";
  const SevenBitForm form = seven_bit_downgrade(message);
  ASSERT_TRUE(form.error.empty());
  EXPECT_EQ(form.content,
            "MIME-Version: 1.0\r\nContent-Type: text/plain;\r\n charset=\"iso-8859-1\"\r\n"
            "Subject: x\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9\r\n");
}

TEST(SevenBitDowngrade, ContentTypeWithoutMimeVersionGetsIt) {
  const SevenBitForm form =
      seven_bit_downgrade("Content-Type: text/plain; charset=utf-8\r\n\r\n\xc3\xa9\r\n");
  ASSERT_TRUE(form.error.empty());
  EXPECT_EQ(form.content,
            "Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n=C3=A9\r\n");
}

TEST(SevenBitDowngrade, MultipartConvertsOnlyTheEightBitParts) {
  const std::string base64_part =
      "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "AAECAw==\r\n";
  const std::string qp_part =
      "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
      "caf=C3=A9\r\n";
  const std::string message =
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b 1\"\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\npreamble\r\n--b 1\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
      "gr\xc3\xbc\xc3\x9f\r\n--b 1\r\n" +
      base64_part + "--b 1\r\n" + qp_part + "--b 1--\r\nepilogue\r\n";
  const SevenBitForm form = seven_bit_downgrade(message);
  ASSERT_TRUE(form.error.empty()) << form.error;
  expect_seven_bit_lines(form.content);
  EXPECT_EQ(form.content,
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b 1\"\r\n"
            "Content-Transfer-Encoding: 7bit\r\n\r\npreamble\r\n--b 1\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\ngr=C3=BC=C3=9F\r\n--b 1\r\n" +
                base64_part + "--b 1\r\n" + qp_part + "--b 1--\r\nepilogue\r\n");
}

TEST(SevenBitDowngrade, NestedMultipartAndMessageRfc822) {
  const std::string message =
      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n"
      "Content-Type: text/html\r\n\r\n<p>\xc3\xa9</p>\r\n--inner--\r\n--outer\r\n"
      "Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n\r\n\xc3\xa9t\xc3\xa9\r\n"
      "--outer--\r\n";
  const SevenBitForm form = seven_bit_downgrade(message);
  ASSERT_TRUE(form.error.empty()) << form.error;
  expect_seven_bit_lines(form.content);
  EXPECT_NE(form.content.find("Content-Type: text/html\r\nContent-Transfer-Encoding: "
                              "quoted-printable\r\n\r\n<p>=C3=A9</p>\r\n--inner--\r\n"),
            std::string::npos);
  EXPECT_NE(form.content.find("Content-Type: message/rfc822\r\n\r\nSubject: inner\r\n"
                              "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                              "Content-Transfer-Encoding: quoted-printable\r\n\r\n=C3=A9t=C3=A9"
                              "\r\n--outer--\r\n"),
            std::string::npos);
}

TEST(ValidUtf8, AcceptsWellFormedRejectsTheRest) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(is_valid_utf8("caf\xe9"));           // Latin-1
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

struct Refusal {
  const char* name;
  std::string message;
};

class SevenBitRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(SevenBitRefusal, FailsWith563) {
  const SevenBitForm form = seven_bit_downgrade(GetParam().message);
  EXPECT_TRUE(form.content.empty());
  EXPECT_TRUE(form.error.starts_with("5.6.3 ")) << form.error;
  EXPECT_EQ(form.error.find_first_of("\r\n"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SevenBitRefusal,
    ::testing::Values(
        Refusal{"top_header", "Subject: caf\xc3\xa9\r\n\r\nbody\r\n"},
        Refusal{"part_header",
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                "Content-Disposition: attachment; filename=\xc3\xa9.txt\r\n\r\nx\r\n--b--\r\n"},
        Refusal{"eight_bit_base64", "Content-Transfer-Encoding: base64\r\n\r\n\xc3\xa9\r\n"},
        Refusal{"no_boundary", "Content-Type: multipart/mixed\r\n\r\n\xc3\xa9\r\n"},
        Refusal{"preamble",
                "Content-Type: multipart/mixed; boundary=b\r\n\r\n\xc3\xa9\r\n"
                "--b\r\n\r\nx\r\n--b--\r\n"},
        Refusal{"message_partial", "Content-Type: message/partial; id=1\r\n\r\n\xc3\xa9\r\n"},
        Refusal{"too_deep",
                [] {
                  std::string m;
                  for (std::size_t i = 0; i <= kMaxMimeDepth + 1; ++i) {
                    m += "Content-Type: message/rfc822\r\n\r\n";
                  }
                  return m + "\r\n\xc3\xa9\r\n";
                }()}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace smtpsend::message
