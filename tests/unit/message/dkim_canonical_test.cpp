// message/dkim: the relaxed canonicalisations (RFC 6376 §3.4.2, §3.4.4) on §3.4.6's example,
// fed whole, byte by byte and split at every offset, and the streamed body hash.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "smtpsend/message/dkim/canonical.hpp"
#include "smtpsend/message/dkim/signer.hpp"

namespace smtpsend::message::dkim {
namespace {

// RFC 6376 §3.4.6, with <SP>, <HTAB> and <CRLF> written out.
const std::string kExampleHeader = "A: X\r\nB : Y\t\r\n\tZ  \r\n";
const std::string kExampleBody = " C \r\nD \t E\r\n\r\n\r\n";
const std::string kExample = kExampleHeader + "\r\n" + kExampleBody;
const std::string kRelaxedHeaders = "a:X\r\nb:Y Z\r\n";
const std::string kRelaxedBody = " C\r\nD E\r\n";

std::string relaxed_body(std::string_view body) {
  RelaxedBody canonical;
  std::string out;
  canonical.feed(body, out);
  canonical.finish(out);
  return out;
}

std::string relaxed_body_split(std::string_view body, std::size_t at) {
  RelaxedBody canonical;
  std::string out;
  canonical.feed(body.substr(0, at), out);
  canonical.feed(body.substr(at), out);
  canonical.finish(out);
  return out;
}

std::string sha256_base64(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string out(64, '\0');
  out.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                                      digest, static_cast<int>(size))));
  return out;
}

TEST(RelaxedHeader, Rfc6376Example) {
  EXPECT_EQ(relaxed_header("A: X\r\n"), "a:X\r\n");
  EXPECT_EQ(relaxed_header("B : Y\t\r\n\tZ  \r\n"), "b:Y Z\r\n");
}

TEST(RelaxedHeader, ColonWhitespaceFoldingAndEmptyValues) {
  EXPECT_EQ(relaxed_header("Subject:   hello   world  \r\n"), "subject:hello world\r\n");
  EXPECT_EQ(relaxed_header("Subject:\r\n"), "subject:\r\n");
  EXPECT_EQ(relaxed_header("Subject: a : b\r\n"), "subject:a : b\r\n");  // only the first colon
  EXPECT_EQ(relaxed_header("Broken\r\n x: y\r\n"), "broken x:y\r\n");    // one line, always
  EXPECT_EQ(relaxed_header("Subject: \r\n \r\n"), "subject:\r\n");
  EXPECT_EQ(relaxed_header("To: a@b.test,\r\n\tc@d.test\r\n"), "to:a@b.test, c@d.test\r\n");
  EXPECT_EQ(relaxed_header("To: a@b.test,\r\n\tc@d.test"), "to:a@b.test, c@d.test\r\n");
  // The value's own case and non-WSP bytes stay (only the name is lowercased).
  EXPECT_EQ(relaxed_header("X-Mixed: CaSe\xc3\xa9"), "x-mixed:CaSe\xc3\xa9\r\n");
}

TEST(RelaxedBody, Rfc6376Example) {
  EXPECT_EQ(relaxed_body(kExampleBody), kRelaxedBody);
}

TEST(RelaxedBody, ByteByByte) {
  RelaxedBody canonical;
  std::string out;
  for (const char c : kExampleBody) canonical.feed(std::string_view(&c, 1), out);
  canonical.finish(out);
  EXPECT_EQ(out, kRelaxedBody);
}

TEST(RelaxedBody, SplitAtEveryOffset) {
  for (std::size_t at = 0; at <= kExampleBody.size(); ++at) {
    EXPECT_EQ(relaxed_body_split(kExampleBody, at), kRelaxedBody) << "split at " << at;
  }
}

TEST(RelaxedBody, EdgeCases) {
  EXPECT_EQ(relaxed_body(""), "");                            // §3.4.4: an empty body stays empty
  EXPECT_EQ(relaxed_body("\r\n\r\n"), "");                    // only empty lines: empty
  EXPECT_EQ(relaxed_body("  \t\r\n"), "");                    // a line of WSP is an empty line
  EXPECT_EQ(relaxed_body("x"), "x\r\n");                      // a CRLF is added
  EXPECT_EQ(relaxed_body("x  "), "x\r\n");                    // trailing WSP without a line end
  EXPECT_EQ(relaxed_body("\r\n\r\nx\r\n"), "\r\n\r\nx\r\n");  // leading empty lines stay
  EXPECT_EQ(relaxed_body("a\r\n \r\nb\r\n"), "a\r\n\r\nb\r\n");
  EXPECT_EQ(relaxed_body("a\rb\r\n"), "a\rb\r\n");  // a lone CR is an ordinary character
  EXPECT_EQ(relaxed_body("a\r"), "a\r\r\n");
}

TEST(RelaxedBody, ManyTrailingEmptyLinesAreCountedNotHeld) {
  RelaxedBody canonical;
  std::string out;
  canonical.feed("text\r\n", out);
  for (int i = 0; i < 100000; ++i) canonical.feed("\r\n", out);
  EXPECT_EQ(out, "text");  // the CRLF itself is held until something follows it
  canonical.finish(out);
  EXPECT_EQ(out, "text\r\n");
}

TEST(MessageDigest, Rfc6376ExampleWholeByteByByteAndSplitAtEveryOffset) {
  const std::string expected_hash = sha256_base64(kRelaxedBody);
  for (std::size_t at = 0; at <= kExample.size(); ++at) {
    MessageDigest digest;
    ASSERT_TRUE(digest.feed(std::string_view(kExample).substr(0, at)));
    ASSERT_TRUE(digest.feed(std::string_view(kExample).substr(at)));
    digest.finish();
    EXPECT_EQ(digest.header_section(), kExampleHeader) << "split at " << at;
    EXPECT_EQ(digest.body_hash(), expected_hash) << "split at " << at;
  }
  MessageDigest bytewise;
  for (const char c : kExample) ASSERT_TRUE(bytewise.feed(std::string_view(&c, 1)));
  bytewise.finish();
  EXPECT_EQ(bytewise.body_hash(), expected_hash);
  const std::vector<HeaderField> fields = split_header_fields(bytewise.header_section());
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(canonical_headers(fields, std::vector<std::string>{"a", "b"}), kRelaxedHeaders);
}

// RFC 8463 Appendix A.3's message and its bh=.
TEST(MessageDigest, Rfc8463ExampleBodyHash) {
  const std::string message =
      "From: Joe SixPack <joe@football.example.com>\r\n"
      "To: Suzie Q <suzie@shopping.example.net>\r\n"
      "Subject: Is dinner ready?\r\n"
      "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
      "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
      "\r\n"
      "Hi.\r\n"
      "\r\n"
      "We lost the game.  Are you hungry yet?\r\n"
      "\r\n"
      "Joe.\r\n";
  MessageDigest digest;
  ASSERT_TRUE(digest.feed(message));
  digest.finish();
  EXPECT_EQ(digest.body_hash(), "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
}

TEST(MessageDigest, NoBodyAndEmptyHeaderSection) {
  MessageDigest headers_only;
  ASSERT_TRUE(headers_only.feed("A: 1\r\n"));
  headers_only.finish();
  EXPECT_EQ(headers_only.header_section(), "A: 1\r\n");
  EXPECT_EQ(headers_only.body_hash(), sha256_base64(""));
  MessageDigest no_header;
  ASSERT_TRUE(no_header.feed("\r\nbody\r\n"));
  no_header.finish();
  EXPECT_EQ(no_header.header_section(), "");
  EXPECT_EQ(no_header.body_hash(), sha256_base64("body\r\n"));
}

}  // namespace
}  // namespace smtpsend::message::dkim
