// message/dkim/key: what a --dkim key file must be (SPEC.md "DKIM signing"), the p= value DNS
// publishes (RFC 6376 §3.6.1, RFC 8463 §4) and keygen's keys.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "smtpsend/message/dkim/key.hpp"

namespace smtpsend::message::dkim {
namespace {

// RFC 8463 Appendix A.2's key (private nWGxne/9..., public 11qYAYKx...), as PKCS#8.
constexpr const char* kRfc8463Key =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";

constexpr const char* kRsa1024 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAJRsi4VYEzIBcVLA\n"
    "AT4llD4tO8fRdHxpEr2042jcuf4SExAYls2FzE2GOPUO09Vr0mCPfIdF2R4kBkSB\n"
    "TpbpLGiaPQBrHeihboAiGH1DrzuLK48rCkcGJ2ACqrabM4/M7qwNE54ThYdF86ES\n"
    "iCKnQe1IGM76vps7o1/9M613ynHpAgMBAAECgYAF2iHGKCrZleT59kgWQzUNHot0\n"
    "3XVSUnJCuJce01UiB2RpBg8sG1Jq3Bfy0ZrYl1+8HuwyCTb+UT1OBisrGBaAGfWJ\n"
    "Yw/7dTslSlUmxR5NPSEZ0YsLf/30DkWMKacz6dGwbSImpHDyT5q+b4hxcMHi5VaS\n"
    "58n+7zOVaCi6SKbX4QJBAMRs1kmIqjbFalfNK2QMcH9DdkhAuStO3mSzhe5lF19x\n"
    "OexQgvSbttxEbE+8d8pSL+YTfYfaoij7xWviTU0GRA8CQQDBcLmG5XCf5qffc6Gy\n"
    "v+J70s1Ub35+w3+dA6FMknnpXlAqBIPhIjXOoe00Pn5cNeqi3apg9+nlOpCvns4y\n"
    "lJKHAkEAwx2Jzwmea0G23PjE/WEN7pzIxgTk6wwxBb7+b0yj5v7GFuPy8aAsCKk/\n"
    "HgWMyMDTK6x4qZaYNjXCaeQl/TkYKQJAdcOEjyU7bX1kkdq5hDLhVPS+4DqITfAC\n"
    "zroZBp7d7T7nmszo5LSJAWT/HaE2GDkSwVglk6caE92Vm/UYHx7oHQJAK9U5lvaJ\n"
    "crhKPhTQBq75MxTrZLvAPXnY4eqGt5IXbjkCbs7qgZG33LuNKDODa/F1zhqCPLk/\n"
    "kGnfmjJM9s1P6w==\n"
    "-----END PRIVATE KEY-----\n";

constexpr const char* kP256 =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgbd9t74YIlWgAghkz\n"
    "fH6mupVPiigcAeQM/stZbQYYDMihRANCAAQlOuhXgASXNK1KCK7wuOV8nuvx3mUP\n"
    "yFfg4UT51c9vxx9Hl9zTACcccPSgK03uWaHWGHxxmLxXgL6KaBDPT3L0\n"
    "-----END PRIVATE KEY-----\n";

class KeyFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dkim_key_test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }

  std::string dir_;
};

TEST_F(KeyFiles, Ed25519KeyGivesTheRawPublicKeyOfRfc8463) {
  std::string error;
  const auto key = load_private_key(write("ed.pem", kRfc8463Key), error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(key->type(), KeyType::ed25519);
  EXPECT_EQ(key->public_key(), "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  EXPECT_EQ(key_record(*key), "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
}

TEST_F(KeyFiles, ModeReadableByGroupOrOthersIsRefusedNamingTheFile) {
  for (const mode_t mode : {0640, 0604, 0620, 0660, 0644}) {
    std::string error;
    const std::string path = write("open.pem", kRfc8463Key, mode);
    EXPECT_FALSE(load_private_key(path, error)) << std::oct << mode;
    EXPECT_NE(error.find(path), std::string::npos) << error;
    EXPECT_NE(error.find("group or others"), std::string::npos) << error;
  }
  std::string error;
  EXPECT_TRUE(load_private_key(write("owner.pem", kRfc8463Key, 0400), error)) << error;
}

TEST_F(KeyFiles, NotPemIsRefused) {
  std::string error;
  const std::string path = write("junk.pem", "not a key\n");
  EXPECT_FALSE(load_private_key(path, error));
  EXPECT_EQ(error, path + ": not a PEM private key (or one protected by a passphrase)");
  EXPECT_FALSE(load_private_key(write("empty.pem", ""), error));
  const std::string public_only = write(
      "pub.pem",
      "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "-----END PUBLIC KEY-----\n");
  EXPECT_FALSE(load_private_key(public_only, error));
}

TEST_F(KeyFiles, MissingFileIsRefusedWithItsReason) {
  std::string error;
  EXPECT_FALSE(load_private_key(dir_ + "/none.pem", error));
  EXPECT_EQ(error, dir_ + "/none.pem: cannot read DKIM key: No such file or directory");
}

TEST_F(KeyFiles, RsaUnder2048BitsIsRefused) {
  std::string error;
  const std::string path = write("short.pem", kRsa1024);
  EXPECT_FALSE(load_private_key(path, error));
  EXPECT_EQ(error, path + ": DKIM RSA key has 1024 bits; at least 2048 are needed");
}

TEST_F(KeyFiles, OtherKeyTypesAreRefused) {
  std::string error;
  const std::string path = write("ec.pem", kP256);
  EXPECT_FALSE(load_private_key(path, error));
  EXPECT_EQ(error, path + ": DKIM key is neither RSA nor Ed25519 (RFC 8463)");
}

TEST_F(KeyFiles, GeneratedRsaKeyRoundTripsThroughPem) {
  std::string error;
  const auto made = generate_private_key(KeyType::rsa, error);
  ASSERT_TRUE(made) << error;
  EXPECT_EQ(made->bits(), 2048u);
  const auto loaded = load_private_key(write("rsa.pem", made->pem()), error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->type(), KeyType::rsa);
  EXPECT_EQ(loaded->public_key(), made->public_key());
  // SubjectPublicKeyInfo of RSA 2048: DER 294 bytes, base64 392 characters.
  EXPECT_EQ(made->public_key().size(), 392u);
  EXPECT_TRUE(made->public_key().starts_with("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
  EXPECT_TRUE(key_record(*made).starts_with("v=DKIM1; k=rsa; p=MIIB"));
}

TEST_F(KeyFiles, GeneratedEd25519KeyRoundTripsThroughPem) {
  std::string error;
  const auto made = generate_private_key(KeyType::ed25519, error);
  ASSERT_TRUE(made) << error;
  EXPECT_EQ(made->public_key().size(), 44u);
  const auto loaded = load_private_key(write("ed.pem", made->pem()), error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->public_key(), made->public_key());
}

TEST(DkimNames, SelectorsAndDomains) {
  EXPECT_TRUE(is_valid_selector("mail"));
  EXPECT_TRUE(is_valid_selector("2026-12.brisbane"));
  EXPECT_FALSE(is_valid_selector(""));
  EXPECT_FALSE(is_valid_selector("a..b"));
  EXPECT_FALSE(is_valid_selector("-a"));
  EXPECT_FALSE(is_valid_selector("a b"));
  EXPECT_FALSE(is_valid_selector("a;b"));
  EXPECT_TRUE(is_valid_signing_domain("example.org"));
  EXPECT_FALSE(is_valid_signing_domain("example.org."));
  EXPECT_FALSE(is_valid_signing_domain("ex ample.org"));
  EXPECT_EQ(algorithm_name(KeyType::rsa), "rsa-sha256");
  EXPECT_EQ(algorithm_name(KeyType::ed25519), "ed25519-sha256");
}

}  // namespace
}  // namespace smtpsend::message::dkim
