// --dkim SELECTOR:KEYFILE (repeatable), --dkim-domain and their configuration keys (SPEC.md
// "DKIM signing"). The key file is read later, by app; here only the value's shape counts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "applied_settings.hpp"
#include "config_file.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/dkim_command_line.hpp"

namespace smtpsend::cli {
namespace {

using testing::applied;

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoConfigFiles;
const std::string kPath = "/home/alice/.config/smtpsend/config.toml";

CommandLine parse(std::vector<std::string> args) {
  return parse_command_line(args, kHost, kNoConfigFiles);
}

TEST(DkimOptions, RepeatableSelectorAndKeyFile) {
  const CommandLine result =
      parse({"--dkim", "rsa1:/etc/dkim/rsa.pem", "--dkim", "ed1:keys/ed:25519.pem", "--dkim-domain",
             "example.org", "x@y.test"});
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->dkim, (std::vector<DkimKeyFile>{{"rsa1", "/etc/dkim/rsa.pem"},
                                                            {"ed1", "keys/ed:25519.pem"}}));
  EXPECT_EQ(result.request->dkim_domain, "example.org");
}

TEST(DkimOptions, NoneByDefault) {
  const CommandLine result = parse({"x@y.test"});
  ASSERT_TRUE(result.request);
  EXPECT_TRUE(result.request->dkim.empty());
  EXPECT_FALSE(result.request->dkim_domain);
}

TEST(DkimOptions, BadValuesAreUsageErrors) {
  const auto error_of = [](std::vector<std::string> args) {
    const CommandLine result = parse(std::move(args));
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    return result.error;
  };
  EXPECT_EQ(error_of({"--dkim", "key.pem", "x@y.test"}),
            "--dkim must be SELECTOR:KEYFILE, not 'key.pem'");
  EXPECT_EQ(error_of({"--dkim", "sel:", "x@y.test"}),
            "--dkim must be SELECTOR:KEYFILE, not 'sel:'");
  EXPECT_EQ(error_of({"--dkim", "a b:k.pem", "x@y.test"}),
            "--dkim: 'a b' is not a DKIM selector (letters, digits, '-' and '.')");
  EXPECT_EQ(error_of({"--dkim-domain", "exa mple.org", "x@y.test"}),
            "--dkim-domain must be a domain name in A-labels, not 'exa mple.org'");
}

TEST(DkimConfigKeys, StringOrArrayRelativeToTheFile) {
  ConfigLoad load = parse_config(
      kPath,
      "[defaults]\ndkim = [\"rsa:rsa.pem\", \"ed:/etc/ed.pem\"]\ndkim-domain = \"example.org\"\n",
      0600, std::nullopt);
  ASSERT_EQ(load.error, "");
  const Request r = applied(load.settings);
  EXPECT_EQ(r.dkim, (std::vector<DkimKeyFile>{{"rsa", "/home/alice/.config/smtpsend/rsa.pem"},
                                              {"ed", "/etc/ed.pem"}}));
  EXPECT_EQ(r.dkim_domain, "example.org");
  load = parse_config(kPath, "[defaults]\ndkim = \"s:k.pem\"\n", 0600, std::nullopt);
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(applied(load.settings).dkim,
            (std::vector<DkimKeyFile>{{"s", "/home/alice/.config/smtpsend/k.pem"}}));
}

TEST(DkimConfigKeys, BadValuesNameTheLine) {
  EXPECT_EQ(parse_config(kPath, "[defaults]\ndkim = \"k.pem\"\n", 0600, std::nullopt).error,
            kPath + ":2: dkim must be SELECTOR:KEYFILE, not 'k.pem'");
  EXPECT_EQ(parse_config(kPath, "[defaults]\ndkim = 3\n", 0600, std::nullopt).error,
            kPath + ":2: 'dkim' must be a string or an array of strings, not an integer");
  EXPECT_EQ(parse_config(kPath, "[defaults]\ndkim-domain = \"a..b\"\n", 0600, std::nullopt).error,
            kPath + ":2: dkim-domain must be a domain name in A-labels, not 'a..b'");
}

DkimCommandLine keygen(std::vector<std::string> args) {
  return parse_dkim_command_line(args);
}

TEST(DkimKeygenCommandLine, DefaultsRsaAndAFileNamedAfterTheRecord) {
  const DkimCommandLine result =
      keygen({"keygen", "--domain", "example.org", "--selector", "mail"});
  ASSERT_TRUE(result.keygen) << result.error;
  EXPECT_EQ(result.keygen->type, message::dkim::KeyType::rsa);
  EXPECT_EQ(result.keygen->out_path, "mail._domainkey.example.org.pem");
  const DkimCommandLine ed = keygen({"keygen", "--domain", "example.org", "--selector", "s2",
                                     "--type", "ed25519", "--out", "/etc/k.pem"});
  ASSERT_TRUE(ed.keygen) << ed.error;
  EXPECT_EQ(ed.keygen->type, message::dkim::KeyType::ed25519);
  EXPECT_EQ(ed.keygen->out_path, "/etc/k.pem");
}

TEST(DkimKeygenCommandLine, UsageErrorsAre64WithOneLine) {
  const auto error_of = [](std::vector<std::string> args) {
    const DkimCommandLine result = parse_dkim_command_line(args);
    EXPECT_FALSE(result.keygen);
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    EXPECT_EQ(result.error.find('\n'), std::string::npos);
    return result.error;
  };
  const std::string usage =
      "smtpsend dkim keygen --domain D --selector S [--type ed25519|rsa] [--out FILE]";
  EXPECT_EQ(error_of({}), "dkim needs a subcommand: " + usage);
  EXPECT_EQ(error_of({"frob"}), "unknown dkim subcommand 'frob': " + usage);
  EXPECT_EQ(error_of({"keygen", "--domain", "x.test"}), "--selector is required");
  EXPECT_EQ(error_of({"keygen", "--domain", "x.test", "--selector", "s", "--type", "dsa"}),
            "--type must be rsa or ed25519, not 'dsa'");
  EXPECT_EQ(error_of({"keygen", "--domain", "x..test", "--selector", "s"}),
            "--domain must be a domain name in A-labels, not 'x..test'");
  EXPECT_EQ(error_of({"keygen", "--domain", "x.test", "--selector", "a_b"}),
            "--selector: 'a_b' is not a DKIM selector (letters, digits, '-' and '.')");
}

TEST(DkimKeygenCommandLine, HelpIsPrintedAndZero) {
  const DkimCommandLine result = keygen({"keygen", "--help"});
  EXPECT_FALSE(result.keygen);
  EXPECT_EQ(result.exit_code, ExitCode::ok);
  EXPECT_NE(result.output.find("Usage: smtpsend dkim keygen"), std::string::npos);
}

}  // namespace
}  // namespace smtpsend::cli
