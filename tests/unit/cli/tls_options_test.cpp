// --tls, --ca-file, --ca-path, --tls-cert, --tls-key: parsing, usage errors (64) and unreadable
// or unusable files (66, before anything is sent).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/delivery/host_tls.hpp"
#include "support/test_pem.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};

CommandLine parse(std::vector<std::string> args) {
  args.push_back("bob@example.com");
  return parse_command_line(args, kHost);
}

using smtpsend::testing::write_temp_file;

// A certificate and its key in one file: usable as --ca-file, --tls-cert and --tls-key alike.
std::string pem_file() {
  return write_temp_file(
      "tls-options-cert-and-key.pem",
      std::string(smtpsend::testing::kCertificatePem) + std::string(smtpsend::testing::kKeyPem));
}

std::string readable_file() {
  return write_temp_file("tls-options-not-pem.txt", "not PEM at all\n");
}

TEST(TlsOptions, DefaultIsOpportunisticWithTheSystemStore) {
  const CommandLine result = parse({});
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->delivery.tls.policy, std::nullopt);
  EXPECT_EQ(delivery::tls_for_host(result.request->delivery).policy,
            smtp::TlsPolicy::opportunistic);
  EXPECT_TRUE(result.request->delivery.tls.ca_file.empty());
  EXPECT_TRUE(result.request->delivery.tls.ca_path.empty());
}

TEST(TlsOptions, EveryPolicyIsAccepted) {
  for (const char* name : {"none", "opportunistic", "required", "verify"}) {
    const CommandLine result = parse({"--tls", name});
    ASSERT_TRUE(result.request) << result.error;
    ASSERT_TRUE(result.request->delivery.tls.policy);
    EXPECT_EQ(smtp::to_string(*result.request->delivery.tls.policy), name);
  }
}

TEST(TlsOptions, UnknownPolicyIsAUsageError) {
  const CommandLine result = parse({"--tls", "encrypt"});
  EXPECT_FALSE(result.request);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_EQ(result.error, "--tls must be none, opportunistic, required or verify, not 'encrypt'");
}

TEST(TlsOptions, FilesAreKept) {
  const std::string pem = pem_file();
  const std::string dir = std::filesystem::temp_directory_path().string();
  const CommandLine result = parse(
      {"--tls", "verify", "--ca-file", pem, "--ca-path", dir, "--tls-cert", pem, "--tls-key", pem});
  ASSERT_TRUE(result.request) << result.error;
  const transport::TlsSettings& tls = result.request->delivery.tls;
  EXPECT_EQ(tls.ca_file, pem);
  EXPECT_EQ(tls.ca_path, dir);
  EXPECT_EQ(tls.cert_file, pem);
  EXPECT_EQ(tls.key_file, pem);
}

TEST(TlsOptions, KeyWithoutCertificateIsAUsageError) {
  const CommandLine result = parse({"--tls-key", readable_file()});
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_EQ(result.error, "--tls-key needs --tls-cert");
}

TEST(TlsOptions, UnreadableFilesAreNoInputWithOneLine) {
  const std::string missing = "/nonexistent/smtpsend/ca.pem";
  for (const char* option : {"--ca-file", "--tls-cert"}) {
    const CommandLine result = parse({option, missing});
    EXPECT_FALSE(result.request) << option;
    EXPECT_EQ(result.exit_code, ExitCode::no_input) << option;
    EXPECT_EQ(result.error, std::string(option) + ": cannot read '" + missing + "'");
  }
  const CommandLine dir = parse({"--ca-path", "/nonexistent/smtpsend"});
  EXPECT_EQ(dir.exit_code, ExitCode::no_input);
  EXPECT_EQ(dir.error, "--ca-path: cannot read directory '/nonexistent/smtpsend'");
  const CommandLine directory_as_file =
      parse({"--ca-file", std::filesystem::temp_directory_path().string()});
  EXPECT_EQ(directory_as_file.exit_code, ExitCode::no_input);
}

void expect_cannot_load(const std::vector<std::string>& args, const std::string& error) {
  const CommandLine result = parse(args);
  EXPECT_FALSE(result.request) << error;
  EXPECT_EQ(result.exit_code, ExitCode::no_input) << error;
  EXPECT_EQ(result.error, error);
}

// As msmtp's "cannot set X509 trust file" (EX_NOINPUT): a file OpenSSL cannot use is named with
// the reason at start, not reported as "TLS is required but not available" at the first server.
TEST(TlsOptions, UnusableTrustAnchorFilesAreNoInputWithTheReason) {
  using namespace smtpsend::testing;
  const std::string not_pem = readable_file();
  expect_cannot_load({"--tls", "verify", "--ca-file", not_pem},
                     "cannot load --ca-file " + not_pem +
                         ": it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  const std::string key_only = write_temp_file("tls-options-key-only.pem", kKeyPem);
  expect_cannot_load({"--ca-file", key_only},
                     "cannot load --ca-file " + key_only +
                         ": it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  // The armour is right, the certificate inside is not: only decoding it finds out.
  const std::string corrupt = write_temp_file("tls-options-corrupt.pem", kCorruptCertificatePem);
  const CommandLine result = parse({"--ca-file", corrupt});
  EXPECT_EQ(result.exit_code, ExitCode::no_input);
  EXPECT_TRUE(result.error.starts_with("cannot load --ca-file " + corrupt + ": ")) << result.error;
  // A good certificate after a corrupt one does not hide it.
  const std::string mixed = write_temp_file(
      "tls-options-mixed.pem", std::string(kCertificatePem) + std::string(kCorruptCertificatePem));
  EXPECT_EQ(parse({"--ca-file", mixed}).exit_code, ExitCode::no_input);
}

TEST(TlsOptions, UnusableClientCertificateOrKeyIsNoInputWithTheReason) {
  using namespace smtpsend::testing;
  const std::string certificate = write_temp_file("tls-options-cert.pem", kCertificatePem);
  expect_cannot_load({"--tls-cert", certificate},
                     "cannot load --tls-cert " + certificate +
                         ": it holds no PEM private key (-----BEGIN PRIVATE KEY-----); name the "
                         "key with --tls-key");
  const std::string other = write_temp_file("tls-options-other-key.pem", kOtherKeyPem);
  expect_cannot_load({"--tls-cert", certificate, "--tls-key", other},
                     "cannot load --tls-key " + other +
                         ": the key does not belong to the certificate in " + certificate);
  const std::string encrypted = write_temp_file("tls-options-encrypted.pem", kEncryptedKeyPem);
  expect_cannot_load({"--tls-cert", certificate, "--tls-key", encrypted},
                     "cannot load --tls-key " + encrypted +
                         ": the key is encrypted, and smtpsend asks for no passphrase (store it "
                         "decrypted, readable by its owner only)");
  const std::string not_pem = readable_file();
  expect_cannot_load({"--tls-cert", not_pem, "--tls-key", other},
                     "cannot load --tls-cert " + not_pem +
                         ": it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  const std::string key = write_temp_file("tls-options-key.pem", kKeyPem);
  const CommandLine separate = parse({"--tls-cert", certificate, "--tls-key", key});
  EXPECT_TRUE(separate.request) << separate.error;
}

// A ca-file from the configuration file is checked the same way, after the merge.
TEST(TlsOptions, ConfigurationFilesCaFileIsCheckedToo) {
  const std::string not_pem = readable_file();
  const std::string config =
      write_temp_file("tls-options-config.toml", "[defaults]\nca-file = \"" + not_pem + "\"\n");
  const CommandLine result = parse({"-C", config});
  EXPECT_EQ(result.exit_code, ExitCode::no_input);
  EXPECT_TRUE(result.error.starts_with("cannot load --ca-file " + not_pem + ": ")) << result.error;
}

TEST(TlsOptions, HelpUsesTheContractsWording) {
  const std::string help = help_text();
  for (const char* phrase :
       {"--tls", "opportunistic: STARTTLS when offered (default for MX delivery)",
        "required: fail if TLS cannot be set up",
        "verify: required + certificate chain and host name verified", "--ca-file", "--ca-path",
        "trust anchors (default: the system store)", "--tls-cert", "--tls-key",
        "client certificate", "77 authentication failed or TLS policy not met"}) {
    EXPECT_NE(help.find(phrase), std::string::npos) << phrase;
  }
}

}  // namespace
}  // namespace smtpsend::cli
