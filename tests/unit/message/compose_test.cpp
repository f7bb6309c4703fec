#include "smtpsend/message/compose.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <string>
#include <vector>

#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/message.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::message {
namespace {

// ---- Decoders written independently of the encoders under test (RFC 2045 §6.7, §6.8). ----

std::string base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') clean += c;
  }
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()),
                                static_cast<int>(clean.size()));
  EXPECT_GE(n, 0);
  out.resize(static_cast<std::size_t>(n));
  // EVP_DecodeBlock keeps the zero octets that padding stands for.
  const std::size_t padding = clean.ends_with("==") ? 2 : clean.ends_with('=') ? 1 : 0;
  out.resize(out.size() - padding);
  return out;
}

int hex_value(char c) {
  return c <= '9' ? c - '0' : c - 'A' + 10;
}

std::string qp_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '=' && text.substr(i + 1, 2) == "\r\n") {
      i += 2;  // soft line break
    } else if (text[i] == '=') {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// RFC 2047 "B" encoded-words separated by folding white space, back to UTF-8.
std::string decode_words(std::string_view text) {
  std::string out;
  std::size_t at = 0;
  while ((at = text.find("=?UTF-8?B?", at)) != std::string_view::npos) {
    const std::size_t end = text.find("?=", at + 10);
    out += base64_decode(text.substr(at + 10, end - at - 10));
    at = end + 2;
  }
  return out;
}

struct Part {
  std::map<std::string, std::string> headers;  // lower-case name -> unfolded body, trimmed
  std::string body;
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(0, 1);
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Parses a header section and body with the project's own header parser.
Part parse_part(std::string_view text) {
  HeaderParser parser;
  parser.feed(text);
  EXPECT_EQ(parser.finish(), HeaderParseStatus::done) << parser.error();
  Part part;
  for (const HeaderField& field : parser.fields()) {
    part.headers[lower(field.name)] = trimmed(field.unfolded_body());
  }
  part.body = std::string(text.substr(parser.body_offset()));
  return part;
}

std::vector<Part> multipart_parts(const Part& whole) {
  const std::string& type = whole.headers.at("content-type");
  const std::size_t at = type.find("boundary=\"") + 10;
  const std::string boundary = type.substr(at, type.find('"', at) - at);
  std::vector<Part> parts;
  const std::string delimiter = "\r\n--" + boundary;
  std::size_t start = whole.body.find(delimiter);
  while (start != std::string::npos) {
    start += delimiter.size();
    if (whole.body.compare(start, 2, "--") == 0) break;
    start += 2;  // CRLF after the delimiter
    const std::size_t end = whole.body.find(delimiter, start);
    parts.push_back(parse_part(std::string_view(whole.body).substr(start, end - start)));
    start = end;
  }
  return parts;
}

void expect_lines_within(std::string_view text, std::size_t limit) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    EXPECT_LE(end - start, limit) << text.substr(start, 60);
    start = end + 2;
  }
}

ComposeInput basic_input() {
  ComposeInput input;
  input.from_address = "alice@example.com";
  input.to = {"bob@example.org", "carol@example.net"};
  input.subject = "Quarterly report";
  input.body = "Hello Bob,\nsee attached.\n";
  input.boundary_unique = "0123abcd";
  return input;
}

TEST(Compose, PlainAsciiBodyIsSevenBitTextPlain) {
  const std::string composed = compose_message(basic_input());
  const Part message = parse_part(composed);
  EXPECT_EQ(message.headers.at("from"), "alice@example.com");
  EXPECT_EQ(message.headers.at("to"), "bob@example.org, carol@example.net");
  EXPECT_EQ(message.headers.at("subject"), "Quarterly report");
  EXPECT_EQ(message.headers.at("mime-version"), "1.0");
  EXPECT_EQ(message.headers.at("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(message.headers.at("content-transfer-encoding"), "7bit");
  EXPECT_EQ(message.body, "Hello Bob,\r\nsee attached.\r\n");
  EXPECT_EQ(canonicalize_crlf(composed), composed);
}

TEST(Compose, Utf8SubjectAndDisplayNameAreEncodedWordsThatDecodeBack) {
  ComposeInput input = basic_input();
  input.subject =
      "Gr\xc3\xbc\xc3\x9f"
      "e aus K\xc3\xb6ln \xe2\x80\x94 " +
      std::string(80, 'x');
  input.from_name = "J\xc3\xb6rg M\xc3\xbcller";
  const std::string composed = compose_message(input);
  const Part message = parse_part(composed);
  EXPECT_FALSE(has_eight_bit(composed.substr(0, composed.find("\r\n\r\n"))));
  EXPECT_EQ(decode_words(message.headers.at("subject")), *input.subject);
  std::vector<Mailbox> from;
  std::string why;
  ASSERT_TRUE(parse_address_list(message.headers.at("from"), from, why)) << why;
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0].address, "alice@example.com");
  EXPECT_EQ(decode_words(from[0].display_name), input.from_name);
  expect_lines_within(composed.substr(0, composed.find("\r\n\r\n")), 76);
}

TEST(Compose, DisplayNameWithSpecialsIsQuoted) {
  EXPECT_EQ(mailbox_text("Smith, Alice", "a@example.com"), "\"Smith, Alice\" <a@example.com>");
  EXPECT_EQ(mailbox_text("Alice Smith", "a@example.com"), "Alice Smith <a@example.com>");
  EXPECT_EQ(mailbox_text("say \"hi\"", "a@example.com"), "\"say \\\"hi\\\"\" <a@example.com>");
  EXPECT_EQ(mailbox_text("", "a@example.com"), "a@example.com");
}

TEST(Compose, EightBitAndLongLinesBecomeQuotedPrintableThatDecodesBack) {
  ComposeInput input = basic_input();
  input.body =
      "Gr\xc3\xbc\xc3\x9f"
      "e\r\n" +
      std::string(1500, 'a') + "\r\ntrailing space \r\n=\r\n";
  const std::string composed = compose_message(input);
  const Part message = parse_part(composed);
  EXPECT_EQ(message.headers.at("content-transfer-encoding"), "quoted-printable");
  EXPECT_FALSE(has_eight_bit(composed));
  expect_lines_within(message.body, 76);
  EXPECT_EQ(qp_decode(message.body), input.body);
}

TEST(Compose, NeedsTransferEncodingAtTheLimits) {
  EXPECT_FALSE(needs_transfer_encoding(std::string(998, 'a') + "\r\n"));
  EXPECT_TRUE(needs_transfer_encoding(std::string(999, 'a') + "\n"));
  EXPECT_TRUE(needs_transfer_encoding("caf\xc3\xa9"));
  EXPECT_TRUE(needs_transfer_encoding(std::string("a\0b", 3)));
  EXPECT_FALSE(needs_transfer_encoding("plain\r\ntext\r\n"));
}

TEST(Compose, AttachmentsRoundTripThroughMultipart) {
  ComposeInput input = basic_input();
  std::string binary;
  for (int i = 0; i < 1000; ++i) binary += static_cast<char>(i * 7 % 256);
  input.attachments = {{"report.pdf", binary, "application/pdf"},
                       {"\xc3\xbc"
                        "bersicht 2026.txt",
                        "caf\xc3\xa9\n", "text/plain"}};
  const std::string composed = compose_message(input);
  expect_lines_within(composed, 998);
  const Part message = parse_part(composed);
  EXPECT_EQ(message.headers.at("content-type"),
            "multipart/mixed; boundary=\"=_smtpsend_0123abcd\"");
  const std::vector<Part> parts = multipart_parts(message);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].headers.at("content-type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parts[0].body, "Hello Bob,\r\nsee attached.\r\n");
  EXPECT_EQ(parts[1].headers.at("content-type"), "application/pdf; name=\"report.pdf\"");
  EXPECT_EQ(parts[1].headers.at("content-disposition"), "attachment; filename=\"report.pdf\"");
  EXPECT_EQ(parts[1].headers.at("content-transfer-encoding"), "base64");
  EXPECT_EQ(base64_decode(parts[1].body), binary);
  expect_lines_within(parts[1].body, 76);
  // RFC 2231 §4: charset, empty language, percent-encoded octets.
  EXPECT_EQ(parts[2].headers.at("content-disposition"),
            "attachment; filename*=UTF-8''%C3%BCbersicht%202026.txt");
  EXPECT_EQ(base64_decode(parts[2].body), "caf\xc3\xa9\n");
}

TEST(Compose, EmptyBodyWithAttachmentHasNoTextPart) {
  ComposeInput input = basic_input();
  input.body.clear();
  input.attachments = {{"a.bin", "xyz", "application/octet-stream"}};
  const std::vector<Part> parts = multipart_parts(parse_part(compose_message(input)));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(base64_decode(parts[0].body), "xyz");
}

TEST(Compose, BodyHoldingTheBoundaryIsQuotedPrintable) {
  ComposeInput input = basic_input();
  input.body = "--=_smtpsend_0123abcd\r\n";
  input.attachments = {{"a.bin", "xyz", "application/octet-stream"}};
  const std::vector<Part> parts = multipart_parts(parse_part(compose_message(input)));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].headers.at("content-transfer-encoding"), "quoted-printable");
  EXPECT_EQ(qp_decode(parts[0].body), input.body);
}

TEST(Compose, ExtraHeadersAreKeptAndReplaceGeneratedOnes) {
  ComposeInput input = basic_input();
  input.extra_headers = {"X-Priority: 1", "to: Team <team@example.com>", "Reply-To: r@example.com"};
  const std::string composed = compose_message(input);
  const Part message = parse_part(composed);
  EXPECT_EQ(message.headers.at("to"), "Team <team@example.com>");
  EXPECT_EQ(message.headers.at("x-priority"), "1");
  EXPECT_EQ(message.headers.at("reply-to"), "r@example.com");
  EXPECT_EQ(composed.find("To: bob@example.org"), std::string::npos);
}

TEST(Compose, NoRecipientsGivesTheEmptyGroup) {
  ComposeInput input = basic_input();
  input.to.clear();
  EXPECT_EQ(parse_part(compose_message(input)).headers.at("to"), "undisclosed-recipients:;");
}

TEST(Compose, LongRecipientListIsFolded) {
  ComposeInput input = basic_input();
  input.to.assign(20, "someone.with.a.long.name@example.org");
  const std::string composed = compose_message(input);
  expect_lines_within(composed.substr(0, composed.find("\r\n\r\n")), 78);
  std::vector<Mailbox> to;
  std::string why;
  ASSERT_TRUE(parse_address_list(parse_part(composed).headers.at("to"), to, why)) << why;
  EXPECT_EQ(to.size(), 20u);
}

TEST(MimeEncoding, ParameterEncodings) {
  EXPECT_EQ(mime_parameter("filename", "a \"b\".txt"), "filename=\"a \\\"b\\\".txt\"");
  EXPECT_EQ(mime_parameter("filename", "\xe2\x82\xac.txt"), "filename*=UTF-8''%E2%82%AC.txt");
}

TEST(MimeEncoding, HeaderTextKeepsAsciiAndEncodesTheRest) {
  EXPECT_EQ(header_text("plain words", 9), "plain words");
  EXPECT_EQ(header_text("\xc3\xa9t\xc3\xa9", 9), "=?UTF-8?B?w6l0w6k=?=");
  EXPECT_EQ(decode_words(header_text("looks =?like?= a word", 9)), "looks =?like?= a word");
}

TEST(MimeEncoding, EncodedWordsNeverSplitACharacter) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xe2\x82\xac";  // 3-octet characters
  const std::string encoded = header_text(text, 9);
  std::size_t at = 0;
  while ((at = encoded.find("=?UTF-8?B?", at)) != std::string::npos) {
    const std::size_t end = encoded.find("?=", at + 10);
    EXPECT_EQ(base64_decode(encoded.substr(at + 10, end - at - 10)).size() % 3, 0u);
    at = end;
  }
  EXPECT_EQ(decode_words(encoded), text);
}

TEST(MimeEncoding, Base64LinesAreSeventySixCharacters) {
  const std::string data(200, '\x01');
  const std::string encoded = base64_lines(data);
  EXPECT_EQ(encoded.substr(0, 78).substr(76), "\r\n");
  EXPECT_EQ(base64_decode(encoded), data);
  EXPECT_EQ(base64_lines(""), "");
}

TEST(MimeEncoding, QuotedPrintableTrailingWhiteSpaceAndEquals) {
  EXPECT_EQ(quoted_printable("a \nb\t\r\nx=y\n"), "a=20\r\nb=09\r\nx=3Dy\r\n");
}

}  // namespace
}  // namespace smtpsend::message
