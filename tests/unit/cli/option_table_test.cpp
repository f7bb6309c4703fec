// The option table (src/cli/option_table.cpp): each option written once, and everything that
// reads the table (--help, the command line, the configuration file's keys) agreeing with it.
#include "option_table.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "config_file.hpp"
#include "option_registration.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/smtp/sasl.hpp"
#include "smtpsend/smtp/tls_policy.hpp"
#include "support/test_pem.hpp"

namespace smtpsend::cli {
namespace {

ConfigLoad parse_file(const std::string& text) {
  return parse_config("/home/alice/.config/smtpsend/config.toml", text, 0600, std::nullopt);
}

TEST(OptionTable, EverySpellingAndEveryKeyIsUnique) {
  std::set<std::string_view> seen_spellings;
  std::set<std::string_view> seen_keys;
  for (const OptionSpec& spec : option_table()) {
    if (spec.shape != Shape::key_only) {
      for (const std::string_view spelling : spellings(spec)) {
        EXPECT_TRUE(seen_spellings.insert(spelling).second) << spelling;
      }
    }
    if (!config_key(spec).empty()) {
      EXPECT_TRUE(seen_keys.insert(config_key(spec)).second) << config_key(spec);
    }
  }
}

// SPEC.md "Configuration": the keys are the long option names.
TEST(OptionTable, AKeyIsTheLongOptionName) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.in_file == InFile::no_key || long_name(spec).empty()) continue;
    EXPECT_EQ(config_key(spec), long_name(spec));
    EXPECT_EQ(option_for_key(long_name(spec)), &spec);
  }
  EXPECT_EQ(config_key(option_spec(Option::verbose)), "verbose");
  EXPECT_EQ(config_key(option_spec(Option::family)), "family");
  EXPECT_EQ(config_key(option_spec(Option::ipv4_only)), "");
  EXPECT_EQ(option_for_key("4"), nullptr);
  EXPECT_EQ(option_for_key(""), nullptr);
}

TEST(OptionTable, NamesAsTypedAndQuoted) {
  EXPECT_EQ(command_line_name(option_spec(Option::message)), "--message");
  EXPECT_EQ(command_line_name(option_spec(Option::ipv6_only)), "-6");
  EXPECT_EQ(command_line_name(option_spec(Option::recipients)), "RECIPIENT");
  EXPECT_EQ(spellings(option_spec(Option::config)),
            (std::vector<std::string_view>{"-C", "--config"}));
  EXPECT_EQ(long_name(option_spec(Option::quiet)), "");
}

// The TLS policy names come from smtp/tls_policy.hpp, not from a copy.
TEST(OptionTable, TlsValueNameIsThePolicyNames) {
  std::string joined;
  for (const std::string_view name : smtp::kTlsPolicyNames) {
    joined += (joined.empty() ? "" : "|") + std::string(name);
  }
  EXPECT_EQ(option_spec(Option::tls).value_name, joined);
}

TEST(OptionTable, HelpShowsEveryOptionWithItsText) {
  const std::string help = help_text();
  for (const OptionSpec& spec : option_table()) {
    if (spec.shape == Shape::key_only) continue;
    EXPECT_NE(help.find(spec.help), std::string::npos) << spec.names;
    EXPECT_NE(help.find(std::string(command_line_name(spec))), std::string::npos) << spec.names;
    if (!spec.value_name.empty()) {
      EXPECT_NE(help.find(std::string(spec.value_name)), std::string::npos) << spec.names;
    }
  }
}

// A default the table states (for --help and docs/cli.md) is the one in force: giving every
// such option its stated default changes nothing, and --help says it.
TEST(OptionTable, StatedDefaultsAreTheOnesInForce) {
  const HostIdentity host{"host.example.org", "alice"};
  const std::vector<std::string> no_config_files;
  std::vector<std::string> with_defaults{"bob@example.test"};
  const std::string help = help_text();
  for (const OptionSpec& spec : option_table()) {
    if (spec.default_value.empty()) continue;
    with_defaults.emplace_back(command_line_name(spec));
    with_defaults.emplace_back(spec.default_value);
    EXPECT_NE(help.find("(default " + std::string(spec.default_value)), std::string::npos)
        << spec.names;
  }
  const std::vector<std::string> without{"bob@example.test"};
  const CommandLine stated = parse_command_line(with_defaults, host, no_config_files);
  const CommandLine built_in = parse_command_line(without, host, no_config_files);
  ASSERT_TRUE(stated.request && built_in.request) << stated.error;
  const delivery::DeliveryOptions& a = stated.request->delivery;
  const delivery::DeliveryOptions& b = built_in.request->delivery;
  EXPECT_EQ(a.route.mx_port, b.route.mx_port);
  EXPECT_EQ(a.max_parallel, b.max_parallel);
  EXPECT_EQ(a.route.max_addresses, b.route.max_addresses);
  EXPECT_EQ(a.connect_timeout, b.connect_timeout);
  EXPECT_EQ(a.dns_timeout, b.dns_timeout);
  EXPECT_EQ(stated.request->max_size, built_in.request->max_size);
  EXPECT_EQ(with_defaults.size(), 1u + 2 * 6) << "a new stated default: compare its field above";
}

// --auth's names are the SASL mechanisms the smtp module implements, each once, and "auto".
TEST(OptionTable, AuthNamesAreTheSaslMechanisms) {
  std::set<smtp::SaslMechanism> mechanisms;
  for (const std::string_view name : kAuthNames) {
    if (name == "auto") continue;
    const std::optional<smtp::SaslMechanism> mechanism = smtp::parse_sasl_mechanism(name);
    ASSERT_TRUE(mechanism.has_value()) << name;
    EXPECT_TRUE(mechanisms.insert(*mechanism).second) << name;
  }
  EXPECT_EQ(mechanisms.size(), kAuthNames.size() - 1);
  EXPECT_EQ(or_list(kAuthNames),
            "auto, plain, login, cram-md5, scram-sha-1, scram-sha-256, xoauth2 or oauthbearer");
}

// Every key the table gives the file has a reader: a value of the wrong type is refused with
// the key's own type sentence, never as an unknown key.
TEST(OptionTable, EveryKeyOfTheTableIsReadFromTheFile) {
  for (const OptionSpec& spec : option_table()) {
    const std::string key(config_key(spec));
    if (key.empty()) continue;
    const ConfigLoad load = parse_file("[defaults]\n" + key + " = {}\n");
    SCOPED_TRACE(key);
    if (is_file_key(spec.in_file)) {
      EXPECT_NE(load.error.find("'" + key + "' must be "), std::string::npos) << load.error;
      EXPECT_NE(load.error.find("not a table"), std::string::npos) << load.error;
      continue;
    }
    switch (spec.in_file) {
      case InFile::command_line_only:
        EXPECT_EQ(load.error, "/home/alice/.config/smtpsend/config.toml:2: '" + key +
                                  "' can be given only on the command line");
        break;
      case InFile::composing_only:
        EXPECT_NE(load.error.find("it composes one message"), std::string::npos) << load.error;
        break;
      default:
        ADD_FAILURE() << "an option without a key has a key";
        break;
    }
  }
  EXPECT_EQ(parse_file("[defaults]\ni = true\n").error,
            "/home/alice/.config/smtpsend/config.toml:2: unknown key 'i'");
}

// Every key that config_keys applies (all but the relay and AUTH keys, merged by
// relay_options) reaches its Request field from the file, and the command line wins over it.
TEST(OptionTable, EveryAppliedKeyReachesTheRequestUnlessTheOptionIsGiven) {
  const std::string pem = smtpsend::testing::write_temp_file(
      "option-table-cert-and-key.pem",
      std::string(smtpsend::testing::kCertificatePem) + std::string(smtpsend::testing::kKeyPem));
  const std::string dir = std::filesystem::temp_directory_path().string();
  const std::string recipients =
      smtpsend::testing::write_temp_file("option-table-recipients.txt", "file@example.test\n");
  const std::string aliases =
      smtpsend::testing::write_temp_file("option-table-aliases", "root: file@example.test\n");
  const std::string config = smtpsend::testing::write_temp_file(
      "option-table.toml",
      "[defaults]\nfrom = \"file@example.test\"\nqualify-domain = \"file.test\"\n"
      "recipients-file = \"" +
          recipients + "\"\naliases = \"" + aliases +
          "\"\ndns-server = \"127.0.0.2\"\nmx-port = 2\n"
          "helo = \"file.test\"\nfamily = \"ipv6\"\nmax-parallel = 2\nmax-addresses = 2\n"
          "timeout = 2\nconnect-timeout = 2\ndns-timeout = 2\nmax-size = \"2M\"\n"
          "from-name = \"File\"\ndsn-notify = \"never\"\ndsn-return = \"hdrs\"\n"
          "dsn-envid = \"file\"\ntls = \"required\"\nca-file = \"" +
          pem + "\"\nca-path = \"" + dir + "\"\ntls-cert = \"" + pem + "\"\ntls-key = \"" + pem +
          "\"\n");
  const HostIdentity host{"host.example.org", "alice"};
  const std::vector<std::string> no_defaults;

  const CommandLine from_file = parse_command_line(
      std::vector<std::string>{"-C", config, "bob@example.test"}, host, no_defaults);
  ASSERT_TRUE(from_file.request) << from_file.error;
  const Request& f = *from_file.request;
  EXPECT_EQ(f.from, "file@example.test");
  EXPECT_EQ(f.qualify_domain, "file.test");
  EXPECT_EQ(f.recipients_file, recipients);
  EXPECT_EQ(f.aliases_path, aliases);
  EXPECT_NE(f.aliases.find("root"), nullptr);
  EXPECT_EQ(f.delivery.dns_servers, std::vector<std::string>{"127.0.0.2"});
  EXPECT_EQ(f.delivery.route.mx_port, 2);
  EXPECT_EQ(f.delivery.helo_name, "file.test");
  EXPECT_EQ(f.delivery.route.family, dns::AddressFamily::ipv6);
  EXPECT_EQ(f.delivery.max_parallel, 2u);
  EXPECT_EQ(f.delivery.route.max_addresses, 2u);
  EXPECT_EQ(f.delivery.session.timeouts.every_stage, std::chrono::seconds(2));
  EXPECT_EQ(f.delivery.connect_timeout, std::chrono::seconds(2));
  EXPECT_EQ(f.delivery.dns_timeout, std::chrono::seconds(2));
  EXPECT_EQ(f.max_size, 2u << 20);
  EXPECT_EQ(f.from_name, "File");
  EXPECT_EQ(f.envelope_parameters.dsn.notify, "NEVER");
  EXPECT_EQ(f.envelope_parameters.dsn.ret, smtp::DsnReturn::headers);
  EXPECT_EQ(f.envelope_parameters.dsn.envid, "file");
  EXPECT_EQ(f.delivery.tls.policy, smtp::TlsPolicy::required);
  EXPECT_EQ(f.delivery.tls.ca_file, pem);
  EXPECT_EQ(f.delivery.tls.ca_path, dir);
  EXPECT_EQ(f.delivery.tls.cert_file, pem);
  EXPECT_EQ(f.delivery.tls.key_file, pem);

  const CommandLine over = parse_command_line(std::vector<std::string>{"-C",
                                                                       config,
                                                                       "-f",
                                                                       "cli@example.test",
                                                                       "--qualify-domain",
                                                                       "cli.test",
                                                                       "--dns-server",
                                                                       "127.0.0.3",
                                                                       "--mx-port",
                                                                       "3",
                                                                       "--helo",
                                                                       "cli.test",
                                                                       "-4",
                                                                       "--max-parallel",
                                                                       "3",
                                                                       "--max-addresses",
                                                                       "3",
                                                                       "--timeout",
                                                                       "3",
                                                                       "--connect-timeout",
                                                                       "3",
                                                                       "--dns-timeout",
                                                                       "3",
                                                                       "--max-size",
                                                                       "3M",
                                                                       "-F",
                                                                       "Cli",
                                                                       "--dsn-notify",
                                                                       "failure",
                                                                       "--dsn-return",
                                                                       "full",
                                                                       "--dsn-envid",
                                                                       "cli",
                                                                       "--tls",
                                                                       "none",
                                                                       "bob@example.test"},
                                              host, no_defaults);
  ASSERT_TRUE(over.request) << over.error;
  const Request& c = *over.request;
  EXPECT_EQ(c.from, "cli@example.test");
  EXPECT_EQ(c.qualify_domain, "cli.test");
  EXPECT_EQ(c.delivery.dns_servers, std::vector<std::string>{"127.0.0.3"});
  EXPECT_EQ(c.delivery.route.mx_port, 3);
  EXPECT_EQ(c.delivery.helo_name, "cli.test");
  EXPECT_EQ(c.delivery.route.family, dns::AddressFamily::ipv4);
  EXPECT_EQ(c.delivery.max_parallel, 3u);
  EXPECT_EQ(c.delivery.route.max_addresses, 3u);
  EXPECT_EQ(c.delivery.session.timeouts.every_stage, std::chrono::seconds(3));
  EXPECT_EQ(c.delivery.connect_timeout, std::chrono::seconds(3));
  EXPECT_EQ(c.delivery.dns_timeout, std::chrono::seconds(3));
  EXPECT_EQ(c.max_size, 3u << 20);
  EXPECT_EQ(c.from_name, "Cli");
  EXPECT_EQ(c.envelope_parameters.dsn.notify, "FAILURE");
  EXPECT_EQ(c.envelope_parameters.dsn.ret, smtp::DsnReturn::full);
  EXPECT_EQ(c.envelope_parameters.dsn.envid, "cli");
  EXPECT_EQ(c.delivery.tls.policy, smtp::TlsPolicy::none);
}

// The DKIM and queue keys, as the test above does for the others.
TEST(OptionTable, DkimAndQueueKeysReachTheRequestUnlessTheOptionIsGiven) {
  const std::string config = smtpsend::testing::write_temp_file(
      "option-table-queue.toml",
      "[defaults]\ndkim = \"file:/etc/file.pem\"\ndkim-domain = \"file.test\"\n"
      "queue = \"always\"\nqueue-dir = \"/var/file\"\nretry-min = \"2m\"\n"
      "retry-max = \"2h\"\nqueue-lifetime = \"2d\"\nbounce-to = \"file@example.test\"\n");
  const HostIdentity host{"host.example.org", "alice"};
  const std::vector<std::string> no_defaults;
  const CommandLine from_file = parse_command_line(
      std::vector<std::string>{"-C", config, "bob@example.test"}, host, no_defaults);
  ASSERT_TRUE(from_file.request) << from_file.error;
  const Request& f = *from_file.request;
  EXPECT_EQ(f.dkim, (std::vector<DkimKeyFile>{{"file", "/etc/file.pem"}}));
  EXPECT_EQ(f.dkim_domain, "file.test");
  EXPECT_EQ(f.queue.mode, QueueMode::always);
  EXPECT_EQ(f.queue_dir, "/var/file");
  EXPECT_EQ(f.queue.retry_min, std::chrono::minutes(2));
  EXPECT_EQ(f.queue.retry_max, std::chrono::hours(2));
  EXPECT_EQ(f.queue.lifetime, std::chrono::hours(48));
  EXPECT_EQ(f.queue.bounce_to, "file@example.test");

  const CommandLine over = parse_command_line(
      std::vector<std::string>{"-C", config, "--dkim", "cli:/etc/cli.pem", "--dkim-domain",
                               "cli.test", "--queue", "never", "--queue-dir", "/var/cli",
                               "--retry-min", "3m", "--retry-max", "3h", "--queue-lifetime", "3d",
                               "bob@example.test"},
      host, no_defaults);
  ASSERT_TRUE(over.request) << over.error;
  const Request& c = *over.request;
  EXPECT_EQ(c.dkim, (std::vector<DkimKeyFile>{{"cli", "/etc/cli.pem"}}));
  EXPECT_EQ(c.dkim_domain, "cli.test");
  EXPECT_EQ(c.queue.mode, QueueMode::never);
  EXPECT_EQ(c.queue_dir, "/var/cli");
  EXPECT_EQ(c.queue.retry_min, std::chrono::minutes(3));
  EXPECT_EQ(c.queue.retry_max, std::chrono::hours(3));
  EXPECT_EQ(c.queue.lifetime, std::chrono::hours(72));
  EXPECT_EQ(c.queue.bounce_to, "file@example.test") << "a key only: no option overrides it";
}

// Every key with a conversion is in one of the two tests above, or (the relay and AUTH keys,
// whose meaning together relay_options.cpp decides) in config_file_test's
// AccountRelayUserAndPasswordReachTheRequest and relay_options_test; a new key fails here until
// it is added to one of them.
TEST(OptionTable, EveryKeyWithAConversionIsCheckedEndToEnd) {
  // clang-format off
  const std::set<std::string_view> checked{
      "from", "qualify-domain", "recipients-file", "aliases", "dns-server", "mx-port", "helo",
      "family", "max-parallel", "max-addresses", "timeout", "connect-timeout", "dns-timeout",
      "max-size", "from-name", "dsn-notify", "dsn-return", "dsn-envid", "tls", "ca-file",
      "ca-path", "tls-cert", "tls-key", "dkim", "dkim-domain", "queue", "queue-dir", "retry-min",
      "retry-max", "queue-lifetime", "bounce-to", "relay", "smtps", "user", "password-file",
      "password-cmd", "auth", "oauth-token-cmd", "allow-plaintext-auth"};
  // clang-format on
  std::set<std::string_view> with_conversion;
  for (const OptionSpec& spec : option_table()) {
    if (is_file_key(spec.in_file) && spec.apply != nullptr) {
      with_conversion.insert(config_key(spec));
    }
  }
  EXPECT_EQ(with_conversion, checked);
}

// An option's value reaches the Request through its row's conversion. The only rows without one
// are those with no value to keep (--help, --version, -i), those read before anything else
// (-C, -A), and the password, a secret that never becomes an option's text; a new option that
// forgot its conversion fails here rather than being silently ignored.
TEST(OptionTable, EveryOptionWithAValueHasItsConversion) {
  const std::set<Option> without{Option::help,   Option::read_to_end, Option::version,
                                 Option::config, Option::account,     Option::password};
  for (const OptionSpec& spec : option_table()) {
    EXPECT_EQ(spec.apply == nullptr, without.contains(spec.id)) << spec.names;
  }
}

// A file's key goes through the same conversion as its option: a value one refuses, the other
// refuses, with the same sentence but for the name (the key; quoted where a list of allowed
// values follows, docs/decisions.md "A file's error sentence").
TEST(OptionTable, TheFileAndTheCommandLineShareEachConversion) {
  const HostIdentity host{"host.example.org", "alice"};
  const std::vector<std::string> no_config_files;
  const struct {
    std::string option, value, key_as_named;
  } cases[] = {{"--mx-port", "0", "mx-port"},
               {"--max-size", "0", "max-size"},
               {"--retry-min", "5x", "retry-min"},
               {"--helo", "bad name", "helo"},
               {"--dkim-domain", "a..b", "dkim-domain"},
               {"--tls", "sometimes", "'tls'"},
               {"--queue", "later", "'queue'"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.option);
    const CommandLine line = parse_command_line(
        std::vector<std::string>{c.option, c.value, "bob@example.test"}, host, no_config_files);
    ASSERT_FALSE(line.request);
    EXPECT_EQ(line.exit_code, ExitCode::usage);
    ASSERT_TRUE(line.error.starts_with(c.option + " ")) << line.error;
    const std::string key = c.option.substr(2);
    // An integer key takes a TOML integer; the others a string.
    const bool integer = c.value.find_first_not_of("0123456789") == std::string::npos;
    const std::string literal = integer ? c.value : "\"" + c.value + "\"";
    const ConfigLoad file = parse_file("[defaults]\n" + key + " = " + literal + "\n");
    EXPECT_EQ(file.error, "/home/alice/.config/smtpsend/config.toml:2: " + c.key_as_named +
                              line.error.substr(c.option.size()));
  }
}

// Every option of the table reaches the command line's parser with its shape.
TEST(OptionTable, RegisteredOptionsTakeTheirShapes) {
  CLI::App app;
  RawOptions raw;
  raw.register_with(app);
  std::vector<std::string> argv_text{"smtpsend", "--mx-port", "1",  "--mx-port",
                                     "2",        "-vv",       "-4", "-m",
                                     "a",        "-m",        "b",  "rcpt@example.test"};
  std::vector<const char*> argv;
  for (const std::string& arg : argv_text) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(raw.text(Option::mx_port), "2");
  EXPECT_EQ(raw.count(Option::verbose), 2);
  EXPECT_TRUE(raw.flag(Option::ipv4_only));
  EXPECT_FALSE(raw.flag(Option::ipv6_only));
  EXPECT_EQ(raw.texts(Option::message), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(raw.texts(Option::recipients), (std::vector<std::string>{"rcpt@example.test"}));
  EXPECT_TRUE(raw.given(Option::mx_port));
  EXPECT_TRUE(raw.given(Option::ipv4_only));
  EXPECT_FALSE(raw.given(Option::tls));
}

}  // namespace
}  // namespace smtpsend::cli
