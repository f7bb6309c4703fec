// message/dkim/signer: the signed header list with oversigning (SPEC.md "DKIM signing"), the
// DKIM-Signature field's tags and folding, signing determinism with a fixed key and time, and
// the signature checked with the public key.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <strings.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>

#include "smtpsend/message/dkim/canonical.hpp"
#include "smtpsend/message/dkim/signer.hpp"

namespace smtpsend::message::dkim {
namespace {

constexpr const char* kRfc8463Key =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

const std::string kMessage =
    "Received: from a by b\r\n"
    "From: Joe <joe@football.example.com>\r\n"
    "To: Suzie <suzie@shopping.example.net>,\r\n"
    "  Ann <ann@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
    "Message-ID: <1@football.example.com>\r\n"
    "X-Mailer: none\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

std::shared_ptr<const PrivateKey> rfc8463_key() {
  char dir[] = "/tmp/dkim_signer_test.XXXXXX";
  EXPECT_NE(::mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/k.pem";
  std::ofstream(path) << kRfc8463Key;
  ::chmod(path.c_str(), 0600);
  std::string error;
  auto key = load_private_key(path, error);
  EXPECT_TRUE(key) << error;
  std::system((std::string("rm -rf ") + dir).c_str());
  return key;
}

std::string unfolded(std::string field) {
  return std::regex_replace(field, std::regex("\r\n[ \t]"), " ");
}

std::string tag(const std::string& field, const std::string& name) {
  std::smatch m;
  const std::string text = std::regex_replace(unfolded(field), std::regex("[ \t\r\n]"), "");
  if (!std::regex_search(text, m, std::regex("[;:]" + name + "=([^;]*)"))) return "<none>";
  return m[1];
}

TEST(DkimHeaderSelection, PresentFieldsOncePerInstancePlusOversignedNames) {
  // The fields are views into the section: it must outlive them.
  const std::string section = kMessage.substr(0, kMessage.find("\r\n\r\n") + 2);
  const std::vector<HeaderField> fields = split_header_fields(section);
  ASSERT_EQ(fields.size(), 7u);
  EXPECT_EQ(fields[2].name, "To");
  EXPECT_EQ(fields[2].text,
            "To: Suzie <suzie@shopping.example.net>,\r\n  Ann <ann@shopping.example.net>\r\n");
  EXPECT_EQ(signed_field_names(fields),
            (std::vector<std::string>{"from", "from", "reply-to", "subject", "subject", "date",
                                      "message-id", "to", "to", "cc"}));
}

TEST(DkimHeaderSelection, EveryInstanceIsSignedBottomUp) {
  const std::string section = "From: a@x.test\r\nSubject: one\r\nFrom: b@x.test\r\n";
  const std::vector<HeaderField> fields = split_header_fields(section);
  const std::vector<std::string> names = signed_field_names(fields);
  EXPECT_EQ(names, (std::vector<std::string>{"from", "from", "from", "reply-to", "subject",
                                             "subject", "to", "cc"}));
  // RFC 6376 §5.4.2: the last instance first; a name used up adds nothing.
  EXPECT_EQ(canonical_headers(fields, names), "from:b@x.test\r\nfrom:a@x.test\r\nsubject:one\r\n");
}

TEST(DkimHeaderSelection, ListHeadersAndMimeFieldsAreSignedCaseInsensitively) {
  const std::string section =
      "FROM: a@x.test\r\nmime-version: 1.0\r\nContent-Type: text/plain\r\n"
      "List-Unsubscribe: <https://x.test/u>\r\nList-Unsubscribe-Post: "
      "List-Unsubscribe=One-Click\r\n";
  const std::vector<std::string> names = signed_field_names(split_header_fields(section));
  EXPECT_EQ(names, (std::vector<std::string>{"from", "from", "reply-to", "subject", "to", "cc",
                                             "mime-version", "content-type", "list-unsubscribe",
                                             "list-unsubscribe-post"}));
}

TEST(DkimSigner, FieldTagsAndFolding) {
  const auto key = rfc8463_key();
  ASSERT_TRUE(key);
  const std::vector<SigningKey> keys{{"brisbane", key}};
  std::string fields;
  std::string error;
  ASSERT_TRUE(sign_content(ContentView(kMessage), {keys, "football.example.com", 1528637909},
                           fields, error))
      << error;
  EXPECT_TRUE(fields.starts_with("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;"));
  EXPECT_TRUE(fields.ends_with("\r\n"));
  EXPECT_EQ(tag(fields, "d"), "football.example.com");
  EXPECT_EQ(tag(fields, "s"), "brisbane");
  EXPECT_EQ(tag(fields, "t"), "1528637909");
  EXPECT_EQ(tag(fields, "h"), "from:from:reply-to:subject:subject:date:message-id:to:to:cc");
  EXPECT_EQ(tag(fields, "bh"), "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=");
  EXPECT_EQ(tag(fields, "l"), "<none>");
  // One field: continuation lines only, each at most 78 octets.
  std::size_t start = 0;
  int lines = 0;
  while (start < fields.size()) {
    const std::size_t end = fields.find("\r\n", start);
    EXPECT_LE(end - start, 78u) << fields.substr(start, end - start);
    if (start > 0) {
      EXPECT_EQ(fields[start], '\t');
    }
    start = end + 2;
    ++lines;
  }
  EXPECT_GE(lines, 3);
}

TEST(DkimSigner, DeterministicForAFixedKeyAndTimeAndVerifiesWithThePublicKey) {
  const auto key = rfc8463_key();
  ASSERT_TRUE(key);
  const std::vector<SigningKey> keys{{"brisbane", key}};
  const Signing signing{keys, "football.example.com", 1528637909};
  std::string first;
  std::string second;
  std::string error;
  ASSERT_TRUE(sign_content(ContentView(kMessage), signing, first, error)) << error;
  ASSERT_TRUE(sign_content(ContentView(kMessage), signing, second, error)) << error;
  EXPECT_EQ(first, second);

  // RFC 8463 §3: Ed25519 over SHA-256 of the header hash input (§3.7) with b= empty.
  const std::string section = kMessage.substr(0, kMessage.find("\r\n\r\n") + 2);
  const std::vector<HeaderField> fields = split_header_fields(section);
  const std::string b = tag(first, "b");
  std::string data = canonical_headers(fields, signed_field_names(fields)) +
                     relaxed_header(first.substr(0, first.rfind("b=") + 2));
  data.resize(data.size() - 2);
  unsigned char hash[32];
  unsigned int hash_size = 0;
  EVP_Digest(data.data(), data.size(), hash, &hash_size, EVP_sha256(), nullptr);
  unsigned char signature[128];
  const int signature_size = EVP_DecodeBlock(
      signature, reinterpret_cast<const unsigned char*>(b.data()), static_cast<int>(b.size()));
  ASSERT_GE(signature_size, 64);
  unsigned char raw[48];
  const std::string p = key->public_key();
  ASSERT_EQ(EVP_DecodeBlock(raw, reinterpret_cast<const unsigned char*>(p.data()), 44), 33);
  EVP_PKEY* pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw, 32);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pub), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, signature, 64, hash, hash_size), 1);
  // One changed byte of the signed data fails.
  hash[0] ^= 1;
  EXPECT_NE(EVP_DigestVerify(ctx, signature, 64, hash, hash_size), 1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pub);
}

// A signature made elsewhere with RFC 8463's key (dkimpy's test data, rfc6376.signed.msg, c=simple:
// the header hash input is the fields as they are). Ed25519 is deterministic, so signing the same
// input must give the very same b=: RFC 8463 §3's "PureEdDSA over the SHA-256 hash", not over the
// data and not HashEdDSA.
TEST(DkimSigner, Ed25519SignatureEqualsAThirdPartyOneOverTheSameInput) {
  const auto key = rfc8463_key();
  ASSERT_TRUE(key);
  const std::string signature_field =
      "DKIM-Signature: v=1; a=ed25519-sha256; c=simple/simple; \r\n"
      " d=football.example.com; i=@football.example.com; \r\n"
      " q=dns/txt; s=brisbane; t=1518460054; h=from : to : \r\n"
      " subject : date : message-id : from : subject : date; \r\n"
      " bh=4bLNXImK9drULnmePzZNEBleUanJCX5PIsDIFoH4KTQ=; \r\n"
      " b=";
  const std::string expected_b =
      "9/dsDChY0YMTtD5Eyw3wx7x22BlSJP7M5ECbJ7GWrR45nXlTCGb8l0YBo0wBLR++X5LqmsxXaOYLLJe46l10AQ==";
  const std::string section =
      "From: Joe SixPack <joe@football.example.com>\r\n"
      "To: Suzie Q <suzie@shopping.example.net>\r\n"
      "Subject: Is dinner ready?\r\n"
      "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
      "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n";
  // simple/simple: each selected field as it is, bottom-up; the signature field without b='s
  // value and without its final CRLF.
  std::string data;
  const std::vector<HeaderField> fields = split_header_fields(section);
  std::vector<bool> used(fields.size());
  for (const char* name :
       {"from", "to", "subject", "date", "message-id", "from", "subject", "date"}) {
    for (std::size_t i = fields.size(); i-- > 0;) {
      if (!used[i] && strcasecmp(std::string(fields[i].name).c_str(), name) == 0) {
        used[i] = true;
        data += fields[i].text;
        break;
      }
    }
  }
  data += signature_field;
  std::string signature;
  std::string error;
  ASSERT_TRUE(key->sign(data, signature, error)) << error;
  unsigned char encoded[128];
  const int n = EVP_EncodeBlock(encoded, reinterpret_cast<const unsigned char*>(signature.data()),
                                static_cast<int>(signature.size()));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(encoded), static_cast<std::size_t>(n)), expected_b);
}

TEST(DkimSigner, TwoKeysGiveTwoFieldsInKeyOrder) {
  std::string error;
  const auto rsa = generate_private_key(KeyType::rsa, error);
  const auto ed = rfc8463_key();
  ASSERT_TRUE(rsa && ed) << error;
  const std::vector<SigningKey> keys{{"r", rsa}, {"e", ed}};
  std::string fields;
  ASSERT_TRUE(sign_content(ContentView(kMessage), {keys, "example.com", 1}, fields, error));
  const std::size_t second = fields.find("DKIM-Signature:", 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_NE(fields.substr(0, second).find("a=rsa-sha256"), std::string::npos);
  EXPECT_NE(fields.substr(second).find("a=ed25519-sha256"), std::string::npos);
  // RSA 2048: 256-byte signature, 344 base64 characters, folded.
  EXPECT_EQ(tag(fields.substr(0, second), "b").size(), 344u);
}

}  // namespace
}  // namespace smtpsend::message::dkim
