// OpensslCrypto against published vectors: RFC 4648 §10 (base64), RFC 2202 / RFC 4231 (HMAC),
// FIPS 180 / RFC 1321 "abc" digests, RFC 6070 (PBKDF2-HMAC-SHA1).
#include "smtpsend/transport/openssl_crypto.hpp"

#include <gtest/gtest.h>

namespace smtpsend::transport {
namespace {

using smtp::HashAlgorithm;

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0f];
  }
  return out;
}

const OpensslCrypto kCrypto;

TEST(OpensslBase64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(kCrypto.base64_encode(plain), encoded);
    EXPECT_EQ(kCrypto.base64_decode(encoded), plain) << encoded;
  }
}

TEST(OpensslBase64, RoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    const std::string encoded = kCrypto.base64_encode(bytes);
    EXPECT_EQ(encoded.size(), (bytes.size() + 2) / 3 * 4);
    EXPECT_EQ(kCrypto.base64_decode(encoded), bytes) << bytes.size();
    bytes += static_cast<char>(i * 37);
  }
  const std::string with_nul("\0a\0\xff", 4);
  EXPECT_EQ(kCrypto.base64_decode(kCrypto.base64_encode(with_nul)), with_nul);
}

TEST(OpensslBase64, RejectsNonCanonicalInput) {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "====", "Z===", "Zm9v!", "Zm9 v", " Zm9v",
                          "Zm9v\r\n", "Zg==Zg==", "Z=g=", "Zm\0v"}) {
    EXPECT_EQ(kCrypto.base64_decode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(kCrypto.base64_decode(std::string_view("Zm\0v", 4)), std::nullopt);
}

TEST(OpensslDigest, AbcVectors) {
  EXPECT_EQ(hex(kCrypto.hash(HashAlgorithm::md5, "abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex(kCrypto.hash(HashAlgorithm::sha1, "abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(hex(kCrypto.hash(HashAlgorithm::sha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(OpensslHmac, Rfc2202AndRfc4231TestCase2) {
  const std::string key = "Jefe";
  const std::string data = "what do ya want for nothing?";
  EXPECT_EQ(hex(kCrypto.hmac(HashAlgorithm::md5, key, data)), "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(hex(kCrypto.hmac(HashAlgorithm::sha1, key, data)),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(hex(kCrypto.hmac(HashAlgorithm::sha256, key, data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(OpensslHmac, EmptyKeyAndData) {
  // RFC 2104 HMAC-MD5 with empty key and message, as every implementation computes it.
  EXPECT_EQ(hex(kCrypto.hmac(HashAlgorithm::md5, "", "")), "74e6f7298a9c2d168935f58c001bad88");
}

TEST(OpensslPbkdf2, Rfc6070Vectors) {
  EXPECT_EQ(hex(kCrypto.pbkdf2(HashAlgorithm::sha1, "password", "salt", 1)),
            "0c60c80f961f0e71f3a9b524af6012062fe037a6");
  EXPECT_EQ(hex(kCrypto.pbkdf2(HashAlgorithm::sha1, "password", "salt", 4096)),
            "4b007901b765489abead49d926f721d065a429c1");
  EXPECT_EQ(kCrypto.pbkdf2(HashAlgorithm::sha256, "password", "salt", 1).size(), 32u);
  EXPECT_EQ(kCrypto.pbkdf2(HashAlgorithm::sha1, "password", "salt", 0), "");
}

TEST(OpensslRandom, GivesTheCountAskedForAndDiffers) {
  const std::string a = kCrypto.random_bytes(18);
  const std::string b = kCrypto.random_bytes(18);
  EXPECT_EQ(a.size(), 18u);
  EXPECT_EQ(b.size(), 18u);
  EXPECT_NE(a, b);
  EXPECT_EQ(kCrypto.random_bytes(0), "");
}

}  // namespace
}  // namespace smtpsend::transport
