// --tls, --ca-file, --ca-path, --tls-cert, --tls-key: parsing, usage errors (64) and unreadable
// files (66, before anything is sent).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};

CommandLine parse(std::vector<std::string> args) {
  args.push_back("bob@example.com");
  return parse_command_line(args, kHost);
}

std::string readable_file() {
  const std::string path =
      (std::filesystem::temp_directory_path() / "smtpsend-tls-options-test.pem").string();
  std::ofstream(path) << "not really PEM; only readability is checked here\n";
  return path;
}

TEST(TlsOptions, DefaultIsOpportunisticWithTheSystemStore) {
  const CommandLine result = parse({});
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->delivery.tls.policy, smtp::TlsPolicy::opportunistic);
  EXPECT_TRUE(result.request->delivery.tls.ca_file.empty());
  EXPECT_TRUE(result.request->delivery.tls.ca_path.empty());
}

TEST(TlsOptions, EveryPolicyIsAccepted) {
  for (const char* name : {"none", "opportunistic", "required", "verify"}) {
    const CommandLine result = parse({"--tls", name});
    ASSERT_TRUE(result.request) << result.error;
    EXPECT_EQ(smtp::to_string(result.request->delivery.tls.policy), name);
  }
}

TEST(TlsOptions, UnknownPolicyIsAUsageError) {
  const CommandLine result = parse({"--tls", "encrypt"});
  EXPECT_FALSE(result.request);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_EQ(result.error, "--tls must be none, opportunistic, required or verify, not 'encrypt'");
}

TEST(TlsOptions, FilesAreKept) {
  const std::string pem = readable_file();
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
