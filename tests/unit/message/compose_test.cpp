#include "smtpsend/message/compose.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <string>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/extra_header.hpp"
#include "smtpsend/message/header_fold.hpp"
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

// The composed message, which these inputs must produce.
std::string compose_ok(const ComposeInput& input) {
  std::string out;
  LoadError error;
  EXPECT_TRUE(compose_message(input, out, error)) << error.detail;
  return out;
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
  const std::string composed = compose_ok(basic_input());
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
  const std::string composed = compose_ok(input);
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
  const std::string composed = compose_ok(input);
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
  const std::string composed = compose_ok(input);
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
  const std::vector<Part> parts = multipart_parts(parse_part(compose_ok(input)));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(base64_decode(parts[0].body), "xyz");
}

TEST(Compose, BodyHoldingTheBoundaryIsQuotedPrintable) {
  ComposeInput input = basic_input();
  input.body = "--=_smtpsend_0123abcd\r\n";
  input.attachments = {{"a.bin", "xyz", "application/octet-stream"}};
  const std::vector<Part> parts = multipart_parts(parse_part(compose_ok(input)));
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].headers.at("content-transfer-encoding"), "quoted-printable");
  EXPECT_EQ(qp_decode(parts[0].body), input.body);
}

TEST(Compose, ExtraHeadersAreKeptAndReplaceGeneratedOnes) {
  ComposeInput input = basic_input();
  input.extra_headers = {"X-Priority: 1", "to: Team <team@example.com>", "Reply-To: r@example.com"};
  const std::string composed = compose_ok(input);
  const Part message = parse_part(composed);
  EXPECT_EQ(message.headers.at("to"), "Team <team@example.com>");
  EXPECT_EQ(message.headers.at("x-priority"), "1");
  EXPECT_EQ(message.headers.at("reply-to"), "r@example.com");
  EXPECT_EQ(composed.find("To: bob@example.org"), std::string::npos);
}

TEST(Compose, NoRecipientsGivesTheEmptyGroup) {
  ComposeInput input = basic_input();
  input.to.clear();
  EXPECT_EQ(parse_part(compose_ok(input)).headers.at("to"), "undisclosed-recipients:;");
}

TEST(Compose, LongRecipientListIsFolded) {
  ComposeInput input = basic_input();
  input.to.assign(20, "someone.with.a.long.name@example.org");
  const std::string composed = compose_ok(input);
  expect_lines_within(composed.substr(0, composed.find("\r\n\r\n")), 78);
  std::vector<Mailbox> to;
  std::string why;
  ASSERT_TRUE(parse_address_list(parse_part(composed).headers.at("to"), to, why)) << why;
  EXPECT_EQ(to.size(), 20u);
}

// ---- -H values by the kind of their field (extra_header.hpp) and folding (header_fold.hpp) ----

std::string header_section(const std::string& message) {
  return message.substr(0, message.find("\r\n\r\n") + 2);
}

// The error compose_message() gives for `input`, which must fail with Errc::usage (64).
std::string compose_error(const ComposeInput& input) {
  std::string out;
  LoadError error;
  EXPECT_FALSE(compose_message(input, out, error));
  EXPECT_EQ(error.error, make_error_code(Errc::usage));
  return error.detail;
}

// A raw field's unfolded body with the white space after the colon dropped.
std::string field_value(const std::string& message, std::string_view name) {
  HeaderParser parser;
  parser.feed(message);
  parser.finish();
  for (const HeaderField& field : parser.fields()) {
    if (same_field_name(field.name, name)) return trimmed(field.unfolded_body());
  }
  ADD_FAILURE() << "no " << name << ": field";
  return {};
}

TEST(ComposeExtraHeaders, NonAsciiTextIsEncodedWordsThatDecodeBack) {
  ComposeInput input = basic_input();
  const std::string value =
      "Gr\xc3\xbc\xc3\x9f"
      "e aus K\xc3\xb6ln, " +
      std::string(200, 'x');
  input.extra_headers = {"X-Note:  " + value, "Comments: caf\xc3\xa9"};
  const std::string head = header_section(compose_ok(input));
  EXPECT_FALSE(has_eight_bit(head));
  expect_lines_within(head, kFoldWidth);
  EXPECT_EQ(decode_words(field_value(head, "X-Note")), value);
  EXPECT_EQ(decode_words(field_value(head, "Comments")), "caf\xc3\xa9");
}

TEST(ComposeExtraHeaders, AddressFieldsEncodeDisplayNamesOnly) {
  ComposeInput input = basic_input();
  input.extra_headers = {
      "Cc: J\xc3\xb6rg M\xc3\xbcller <joerg@example.de>, \"Smith, Ann\" <ann@example.com>, "
      "Gr\xc3\xbcppe: a@example.com, b@example.com;, leer:;",
      "Reply-To: Zo\xc3\xab <zo\xc3\xab@example.org>"};
  const std::string head = header_section(compose_ok(input));
  expect_lines_within(head, kFoldWidth);
  std::vector<AddressListItem> cc;
  std::string why;
  ASSERT_TRUE(parse_address_items(field_value(head, "Cc"), cc, why)) << why;
  ASSERT_EQ(cc.size(), 4u);
  EXPECT_EQ(decode_words(cc[0].mailboxes.at(0).display_name), "J\xc3\xb6rg M\xc3\xbcller");
  EXPECT_EQ(cc[0].mailboxes.at(0).address, "joerg@example.de");
  EXPECT_EQ(cc[1].mailboxes.at(0), (Mailbox{"Smith, Ann", "ann@example.com", ""}));
  EXPECT_EQ(decode_words(cc[2].group.value_or("")), "Gr\xc3\xbcppe");
  EXPECT_EQ(cc[2].mailboxes.size(), 2u);
  EXPECT_EQ(cc[3].group, "leer");
  EXPECT_TRUE(cc[3].mailboxes.empty());
  // Only the address keeps its UTF-8 (RFC 6531 carries it); the name is encoded.
  const std::string reply_to = field_value(head, "Reply-To");
  EXPECT_NE(reply_to.find("<zo\xc3\xab@example.org>"), std::string::npos);
  EXPECT_EQ(reply_to.find("Zo\xc3\xab <"), std::string::npos);
  EXPECT_EQ(decode_words(reply_to.substr(0, reply_to.find(" <"))), "Zo\xc3\xab");
}

TEST(ComposeExtraHeaders, AsciiValuesGoAsWritten) {
  ComposeInput input = basic_input();
  input.extra_headers = {"X-Pre-Encoded: =?UTF-8?B?w6k=?=", "To: \"Smith, Bob\" (boss) <b@x.org>",
                         "References: <a@example.com> <b@example.com>", "X-Empty:"};
  const std::string head = header_section(compose_ok(input));
  EXPECT_NE(head.find("\r\nX-Pre-Encoded: =?UTF-8?B?w6k=?=\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nTo: \"Smith, Bob\" (boss) <b@x.org>\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nReferences: <a@example.com> <b@example.com>\r\n"), std::string::npos);
  EXPECT_NE(head.find("\r\nX-Empty:\r\n"), std::string::npos);
}

TEST(ComposeExtraHeaders, NonAsciiInStructuredFieldsIsUsageError) {
  for (const char* line :
       {"Message-ID: <caf\xc3\xa9@example.com>", "References: <a@b> <\xc3\xa9@c>",
        "In-Reply-To: <\xc3\xa9@c>", "List-Id: Caf\xc3\xa9 <cafe.example.com>",
        "content-id: <\xc3\xa9@x>", "Date: Mon, 1 Jan 2026 00:00:00 +0000 \xc3\xa9"}) {
    ComposeInput input = basic_input();
    input.extra_headers = {line};
    const std::string name(line, std::string_view(line).find(':'));
    EXPECT_EQ(compose_error(input),
              "-H " + name +
                  ": non-ASCII text cannot be sent in this structured field (RFC 2047 encodes "
                  "only unstructured text and display names)");
  }
}

TEST(ComposeExtraHeaders, NonAsciiAddressFieldThatDoesNotParseIsUsageError) {
  ComposeInput input = basic_input();
  input.extra_headers = {"Cc: J\xc3\xb6rg <joerg@example.de"};
  EXPECT_EQ(compose_error(input),
            "-H Cc: not an address list: '<joerg@example.de' is not closed with '>'");
}

TEST(ComposeExtraHeaders, FieldKinds) {
  EXPECT_EQ(field_kind("subject"), FieldKind::text);
  EXPECT_EQ(field_kind("X-Mailer"), FieldKind::text);
  EXPECT_EQ(field_kind("Content-Description"), FieldKind::text);
  EXPECT_EQ(field_kind("RESENT-CC"), FieldKind::address_list);
  EXPECT_EQ(field_kind("Disposition-Notification-To"), FieldKind::address_list);
  EXPECT_EQ(field_kind("Message-Id"), FieldKind::structured);
  EXPECT_EQ(field_kind("List-Unsubscribe"), FieldKind::structured);
  EXPECT_EQ(field_kind("Content-Language"), FieldKind::structured);
}

TEST(ComposeExtraHeaders, LongValueIsFoldedAtWhiteSpaceAndUnfoldsBack) {
  ComposeInput input = basic_input();
  std::string value;
  while (value.size() < 1200) value += "word" + std::to_string(value.size()) + " ";
  value += "end";
  input.extra_headers = {"X-Long: " + value};
  const std::string message = compose_ok(input);
  expect_lines_within(header_section(message), kFoldWidth);
  EXPECT_EQ(field_value(message, "X-Long"), value);
  EXPECT_FALSE(has_eight_bit(message));
}

TEST(ComposeExtraHeaders, WordTooLongToFoldIsUsageErrorNamingTheOption) {
  ComposeInput input = basic_input();
  input.extra_headers = {"X-Long: " + std::string(1200, 'a')};
  EXPECT_EQ(compose_error(input),
            "-H X-Long: the value holds a word of 1200 octets with no white space to fold at, "
            "and a header line must not exceed 998 octets (RFC 5322 §2.1.1)");
  input.extra_headers = {std::string(1000, 'N') + ": v"};
  EXPECT_EQ(compose_error(input),
            "-H: a field name of 1000 octets does not fit in a header line of 998 octets (RFC "
            "5322 §2.1.1)");
}

TEST(ComposeExtraHeaders, HeaderSectionOverTheBoundIsUsageError) {
  ComposeInput input = basic_input();
  std::string words;
  while (words.size() < 100 * 1024) words += "0123456789 ";
  input.extra_headers.assign(11, "X-Big: " + words);
  EXPECT_NE(compose_error(input).find("the composed header fields (-s, -H, -F) exceed"),
            std::string::npos);
}

// Near the limit, every value either composes into a message whose lines are all within 998
// octets and that the header scan accepts (prepare_message() never fails: no exit 70), or is a
// usage error.
TEST(ComposeExtraHeaders, NoLineOver998OctetsAtAnyLength) {
  for (std::size_t name_size : {1u, 20u, 500u, 990u, 997u}) {
    for (std::size_t word = 980; word <= 1000; ++word) {
      for (const std::string& tail :
           {std::string(), std::string(" tail"), std::string(" \xc3\xa9")}) {
        ComposeInput input = basic_input();
        input.extra_headers = {std::string(name_size, 'N') + ": " + std::string(word, 'w') + tail};
        std::string out;
        LoadError error;
        if (!compose_message(input, out, error)) {
          EXPECT_EQ(error.error, make_error_code(Errc::usage));
          continue;
        }
        expect_lines_within(out, kMaxHeaderLine);
        Message prepared;
        EXPECT_TRUE(prepare_message(out, "composed", {"h.example", {}, "u"}, prepared, error))
            << error.detail;
      }
    }
  }
}

TEST(ComposeSubjectAndFrom, LongAsciiSubjectIsFoldedNotEncoded) {
  ComposeInput input = basic_input();
  std::string subject;
  while (subject.size() < 1500) subject += "report line " + std::to_string(subject.size()) + " ";
  input.subject = subject;
  const std::string head = header_section(compose_ok(input));
  expect_lines_within(head, kFoldWidth);
  EXPECT_EQ(head.find("=?"), std::string::npos);
  EXPECT_EQ(field_value(head, "Subject"), trimmed(subject));
}

TEST(ComposeSubjectAndFrom, UnfoldableSubjectAndNameBecomeEncodedWords) {
  ComposeInput input = basic_input();
  input.subject = std::string(1200, 's');
  input.from_name = std::string(1200, 'n');
  const std::string head = header_section(compose_ok(input));
  expect_lines_within(head, kFoldWidth);
  EXPECT_EQ(decode_words(field_value(head, "Subject")), *input.subject);
  std::vector<Mailbox> from;
  std::string why;
  ASSERT_TRUE(parse_address_list(field_value(head, "From"), from, why)) << why;
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(decode_words(from[0].display_name), input.from_name);
  EXPECT_EQ(from[0].address, "alice@example.com");
}

TEST(ComposeSubjectAndFrom, LongAsciiNameIsFoldedInsideItsQuotes) {
  ComposeInput input = basic_input();
  for (int i = 0; i < 120; ++i) input.from_name += "Name" + std::to_string(i) + ", ";
  input.from_name += "Last";
  const std::string head = header_section(compose_ok(input));
  expect_lines_within(head, kFoldWidth);
  std::vector<Mailbox> from;
  std::string why;
  ASSERT_TRUE(parse_address_list(field_value(head, "From"), from, why)) << why;
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(from[0].display_name, input.from_name);
}

TEST(HeaderFold, BreaksBeforeWhiteSpaceOnly) {
  EXPECT_EQ(fold_field("Subject", "short"), "Subject: short\r\n");
  EXPECT_EQ(fold_field("X", ""), "X:\r\n");
  const std::string words = std::string(40, 'a') + " " + std::string(40, 'b') + "\t  c";
  EXPECT_EQ(fold_field("X", words),
            "X: " + std::string(40, 'a') + "\r\n " + std::string(40, 'b') + "\t  c\r\n");
  // A first word too long for the width stays after the name unless folding makes it fit.
  EXPECT_EQ(fold_field("X", std::string(100, 'a')), "X: " + std::string(100, 'a') + "\r\n");
  EXPECT_EQ(fold_field(std::string(30, 'N'), std::string(60, 'a')),
            std::string(30, 'N') + ":\r\n " + std::string(60, 'a') + "\r\n");
  // Trailing white space never becomes a line of its own.
  EXPECT_EQ(fold_field("X", std::string(72, 'a') + "   "),
            "X: " + std::string(72, 'a') + "   \r\n");
}

TEST(HeaderFold, NeverALineOver998Octets) {
  // "X: " and a word: 998 octets in one line at most, then the word alone on the next.
  EXPECT_EQ(fold_field("X", std::string(995, 'a')), "X: " + std::string(995, 'a') + "\r\n");
  EXPECT_EQ(fold_field("X", std::string(996, 'a')), "X:\r\n " + std::string(996, 'a') + "\r\n");
  EXPECT_EQ(fold_field("X", std::string(997, 'a')), "X:\r\n " + std::string(997, 'a') + "\r\n");
  EXPECT_EQ(fold_field("X", std::string(998, 'a')), std::nullopt);
  EXPECT_EQ(fold_field("X", "b " + std::string(998, 'a')), std::nullopt);
  EXPECT_EQ(fold_field(std::string(997, 'N'), "v"), std::string(997, 'N') + ":\r\n v\r\n");
  EXPECT_EQ(fold_field(std::string(998, 'N'), "v"), std::nullopt);
  EXPECT_EQ(longest_word(" ab  abcd\tabc "), 4u);
}

TEST(HeaderFold, EncodedWordsAreAtMost75CharactersAndFoldBetweenWords) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "\xe2\x82\xac ";  // 4 octets a character and space
  const std::string field = text_field("Subject", text);
  expect_lines_within(field, kFoldWidth);
  std::size_t at = 0;
  while ((at = field.find("=?", at)) != std::string::npos) {
    const std::size_t end = field.find("?=", at + 10) + 2;
    EXPECT_LE(end - at, 75u);
    at = end;
  }
  EXPECT_EQ(decode_words(field), text);
}

TEST(MimeEncoding, ParameterEncodings) {
  EXPECT_EQ(mime_parameter("filename", "a \"b\".txt"), "filename=\"a \\\"b\\\".txt\"");
  EXPECT_EQ(mime_parameter("filename", "\xe2\x82\xac.txt"), "filename*=UTF-8''%E2%82%AC.txt");
}

TEST(MimeEncoding, HeaderTextKeepsAsciiAndEncodesTheRest) {
  EXPECT_EQ(header_text("plain words"), "plain words");
  EXPECT_EQ(header_text("\xc3\xa9t\xc3\xa9"), "=?UTF-8?B?w6l0w6k=?=");
  EXPECT_EQ(decode_words(header_text("looks =?like?= a word")), "looks =?like?= a word");
}

TEST(MimeEncoding, EncodedWordsNeverSplitACharacter) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xe2\x82\xac";  // 3-octet characters
  const std::string encoded = header_text(text);
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
