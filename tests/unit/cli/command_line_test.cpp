#include "smtpsend/cli/command_line.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};
// Hermetic: no configuration file of the machine running the tests is read.
const std::vector<std::string> kNoConfigFiles;

CommandLine parse(std::initializer_list<std::string> args) {
  const std::vector<std::string> list(args);
  return parse_command_line(list, kHost, kNoConfigFiles);
}

Request parsed(std::initializer_list<std::string> args) {
  CommandLine result = parse(args);
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.exit_code, ExitCode::ok);
  EXPECT_TRUE(result.request.has_value());
  return result.request.value_or(Request{});
}

void expect_usage_error(std::initializer_list<std::string> args, const std::string& sentence) {
  const CommandLine result = parse(args);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_FALSE(result.request.has_value());
  EXPECT_EQ(result.error, sentence);
  EXPECT_EQ(result.error.find('\n'), std::string::npos);
}

TEST(CommandLine, DefaultsWithOneRecipient) {
  const Request request = parsed({"bob@example.com"});
  EXPECT_EQ(request.message_paths, std::vector<std::string>{"-"});
  EXPECT_EQ(request.recipients, std::vector<std::string>{"bob@example.com"});
  EXPECT_FALSE(request.from.has_value());
  EXPECT_EQ(request.qualify_domain, "host.example.org");
  EXPECT_EQ(request.delivery.helo_name, "host.example.org");
  EXPECT_EQ(request.delivery.route.mx_port, 25);
  EXPECT_EQ(request.delivery.route.family, dns::AddressFamily::any);
  EXPECT_TRUE(request.delivery.dns_servers.empty());
  EXPECT_EQ(request.delivery.dns_timeout, std::chrono::seconds(60));
  EXPECT_EQ(request.delivery.max_parallel, 8u);
  EXPECT_EQ(request.delivery.route.max_addresses, 5u);
  EXPECT_EQ(request.delivery.connect_timeout, std::chrono::seconds(30));
  EXPECT_FALSE(request.delivery.session.timeouts.every_stage.has_value());
  EXPECT_EQ(request.verbosity, 0);
  EXPECT_FALSE(request.json);
  EXPECT_FALSE(request.quiet);
  EXPECT_FALSE(request.dry_run);
  EXPECT_TRUE(request.recipients_file.empty());
}

TEST(CommandLine, SeveralRecipientsInOrder) {
  const Request request = parsed({"a@x.org", "b@y.org", "root"});
  EXPECT_EQ(request.recipients, (std::vector<std::string>{"a@x.org", "b@y.org", "root"}));
}

TEST(CommandLine, RecipientAfterDoubleDashMayStartWithDash) {
  const Request request = parsed({"--", "-odd@example.com"});
  EXPECT_EQ(request.recipients, std::vector<std::string>{"-odd@example.com"});
}

TEST(CommandLine, MessageShortLongAndRepeated) {
  const Request request =
      parsed({"-m", "a.eml", "--message", "b.eml", "--message=c.eml", "r@x.org"});
  EXPECT_EQ(request.message_paths, (std::vector<std::string>{"a.eml", "b.eml", "c.eml"}));
  EXPECT_EQ(request.recipients, std::vector<std::string>{"r@x.org"});
}

TEST(CommandLine, MessageTakesOneValueSoRecipientsFollow) {
  const Request request = parsed({"-m", "a.eml", "bob@example.com", "carol@example.com"});
  EXPECT_EQ(request.message_paths, std::vector<std::string>{"a.eml"});
  EXPECT_EQ(request.recipients, (std::vector<std::string>{"bob@example.com", "carol@example.com"}));
}

TEST(CommandLine, StdinMessageExplicitly) {
  const Request request = parsed({"-m", "-", "-m", "b.eml", "r@x.org"});
  EXPECT_EQ(request.message_paths, (std::vector<std::string>{"-", "b.eml"}));
}

TEST(CommandLine, StdinTwiceIsUsageError) {
  expect_usage_error({"-m", "-", "-m", "-", "r@x.org"}, "stdin ('-') can be read only once");
}

TEST(CommandLine, FromShortAndLong) {
  EXPECT_EQ(parsed({"-f", "me@example.com", "r@x.org"}).from, "me@example.com");
  EXPECT_EQ(parsed({"--from", "me@example.com", "r@x.org"}).from, "me@example.com");
  EXPECT_EQ(parsed({"--from=me@example.com", "r@x.org"}).from, "me@example.com");
}

TEST(CommandLine, NullSenderSpellingsKeptForTheApp) {
  EXPECT_EQ(parsed({"-f", "", "r@x.org"}).from, "");
  EXPECT_EQ(parsed({"-f", "<>", "r@x.org"}).from, "<>");
}

TEST(CommandLine, EmptyValueAfterEqualsIsEmpty) {
  const Request request = parsed({"--from=", "r@x.org"});
  EXPECT_EQ(request.from, "");
  EXPECT_EQ(request.recipients, std::vector<std::string>{"r@x.org"});
  expect_usage_error({"--helo=", "r@x.org"},
                     "--helo must be a host name of letters, digits, '-' and '.', or an address "
                     "literal such as [192.0.2.1], not ''");
}

TEST(CommandLine, ValueLikeAnOptionAfterAnOptionIsItsValue) {
  EXPECT_EQ(parsed({"-f", "--x=", "r@x.org"}).from, "--x=");
}

TEST(CommandLine, SingleValuedOptionGivenTwiceLastWins) {
  EXPECT_EQ(parsed({"-f", "a@x.org", "-f", "b@x.org", "r@x.org"}).from, "b@x.org");
  EXPECT_EQ(parsed({"--mx-port", "2525", "--mx-port", "26", "r@x.org"}).delivery.route.mx_port, 26);
}

TEST(CommandLine, QualifyDomainAndHelo) {
  const Request request =
      parsed({"--qualify-domain", "example.net", "--helo", "mta.example.net", "root"});
  EXPECT_EQ(request.qualify_domain, "example.net");
  EXPECT_EQ(request.delivery.helo_name, "mta.example.net");
}

// RFC 5321 §4.1.4: with no dotted name for this host, no EHLO name is made up; the session
// greets with its local address literal (delivery/helo_name.hpp). --helo still wins.
TEST(CommandLine, NoQualifiedHostNameLeavesHeloToTheConnection) {
  const HostIdentity unqualified{"localhost.localdomain", "alice", false};
  const std::vector<std::string> plain_args{"r@x.org"};
  const CommandLine plain = parse_command_line(plain_args, unqualified, kNoConfigFiles);
  ASSERT_TRUE(plain.request.has_value());
  EXPECT_EQ(plain.request->delivery.helo_name, "");
  EXPECT_EQ(plain.request->qualify_domain, "localhost.localdomain");
  const std::vector<std::string> named_args{"--helo", "mail.example.net", "r@x.org"};
  const CommandLine named = parse_command_line(named_args, unqualified, kNoConfigFiles);
  ASSERT_TRUE(named.request.has_value());
  EXPECT_EQ(named.request->delivery.helo_name, "mail.example.net");
}

TEST(CommandLine, HeloAcceptsABareIpv6Address) {
  EXPECT_EQ(parsed({"--helo", "::1", "r@x.org"}).delivery.helo_name, "::1");
}

// The Message-ID domain: a chosen --qualify-domain, else a chosen dotted --helo, else the FQDN.
TEST(CommandLine, MessageIdDomainPrefersChosenNames) {
  const HostIdentity unqualified{"localhost.localdomain", "alice", false};
  const auto domain = [&](std::vector<std::string> args) {
    const CommandLine result = parse_command_line(args, unqualified, kNoConfigFiles);
    EXPECT_TRUE(result.request.has_value());
    return result.request ? message_id_domain(*result.request, unqualified) : std::string();
  };
  EXPECT_EQ(domain({"r@x.org"}), "localhost.localdomain");
  EXPECT_EQ(domain({"--helo", "mail.example.net", "r@x.org"}), "mail.example.net");
  EXPECT_EQ(domain({"--qualify-domain", "example.org", "--helo", "mail.example.net", "r@x.org"}),
            "example.org");
  EXPECT_EQ(domain({"--helo", "[192.0.2.1]", "r@x.org"}), "localhost.localdomain");
  EXPECT_EQ(domain({"--helo", "undotted", "r@x.org"}), "localhost.localdomain");
  EXPECT_EQ(message_id_domain(parsed({"r@x.org"}), kHost), "host.example.org");
}

TEST(CommandLine, HeloAcceptsAddressLiteral) {
  EXPECT_EQ(parsed({"--helo", "[192.0.2.7]", "r@x.org"}).delivery.helo_name, "[192.0.2.7]");
  EXPECT_EQ(parsed({"--helo", "[IPv6:2001:db8::7]", "r@x.org"}).delivery.helo_name,
            "[IPv6:2001:db8::7]");
}

TEST(CommandLine, BadHeloIsUsageError) {
  expect_usage_error({"--helo", "bad name", "r@x.org"},
                     "--helo must be a host name of letters, digits, '-' and '.', or an address "
                     "literal such as [192.0.2.1], not 'bad name'");
  expect_usage_error({"--helo", "a..b", "r@x.org"},
                     "--helo must be a host name of letters, digits, '-' and '.', or an address "
                     "literal such as [192.0.2.1], not 'a..b'");
}

TEST(CommandLine, BadQualifyDomainIsUsageError) {
  expect_usage_error({"--qualify-domain", "a@b", "r@x.org"},
                     "--qualify-domain must be a domain name, not 'a@b'");
  expect_usage_error({"--qualify-domain", "", "r@x.org"},
                     "--qualify-domain must be a domain name, not ''");
  // Checked up front (64), not when the first address is qualified (65).
  for (const char* bad : {"-bad.example", "a..b", "exa_mple.com", "example.com.", "bad-.example"}) {
    expect_usage_error({"--qualify-domain", bad, "r@x.org"},
                       std::string("--qualify-domain must be a domain name, not '") + bad + "'");
  }
}

TEST(CommandLine, DnsServersRepeatable) {
  const Request request =
      parsed({"--dns-server", "127.0.0.1:5353", "--dns-server", "192.0.2.53", "--dns-server",
              "2001:db8::53", "--dns-server", "[2001:db8::53]:5353", "r@x.org"});
  EXPECT_EQ(request.delivery.dns_servers,
            (std::vector<std::string>{"127.0.0.1:5353", "192.0.2.53", "2001:db8::53",
                                      "[2001:db8::53]:5353"}));
}

TEST(CommandLine, BadDnsServersAreUsageErrors) {
  const std::string prefix =
      "--dns-server must be IP or IP:PORT (an IPv6 address with a port in brackets: "
      "[2001:db8::1]:53), not ";
  expect_usage_error({"--dns-server", "ns.example.com", "r@x.org"}, prefix + "'ns.example.com'");
  expect_usage_error({"--dns-server", "127.0.0.1:0", "r@x.org"}, prefix + "'127.0.0.1:0'");
  expect_usage_error({"--dns-server", "127.0.0.1:65536", "r@x.org"}, prefix + "'127.0.0.1:65536'");
  expect_usage_error({"--dns-server", "[2001:db8::1]", "r@x.org"}, prefix + "'[2001:db8::1]'");
  expect_usage_error({"--dns-server", "300.1.1.1", "r@x.org"}, prefix + "'300.1.1.1'");
}

TEST(CommandLine, MxPort) {
  EXPECT_EQ(parsed({"--mx-port", "2525", "r@x.org"}).delivery.route.mx_port, 2525);
  EXPECT_EQ(parsed({"--mx-port", "1", "r@x.org"}).delivery.route.mx_port, 1);
  EXPECT_EQ(parsed({"--mx-port", "65535", "r@x.org"}).delivery.route.mx_port, 65535);
}

TEST(CommandLine, BadPortsAreUsageErrors) {
  for (const char* bad : {"0", "65536", "-1", "25x", "", "+25", " 25"}) {
    SCOPED_TRACE(bad);
    expect_usage_error(
        {"--mx-port", bad, "r@x.org"},
        std::string("--mx-port must be a port number from 1 to 65535, not '") + bad + "'");
  }
}

TEST(CommandLine, AddressFamilies) {
  EXPECT_EQ(parsed({"-4", "r@x.org"}).delivery.route.family, dns::AddressFamily::ipv4);
  EXPECT_EQ(parsed({"-6", "r@x.org"}).delivery.route.family, dns::AddressFamily::ipv6);
}

TEST(CommandLine, FourWithSixIsUsageError) {
  expect_usage_error({"-4", "-6", "r@x.org"}, "-4 and -6 cannot be used together");
  expect_usage_error({"-46", "r@x.org"}, "-4 and -6 cannot be used together");
}

TEST(CommandLine, MaxParallel) {
  EXPECT_EQ(parsed({"--max-parallel", "1", "r@x.org"}).delivery.max_parallel, 1u);
  EXPECT_EQ(parsed({"--max-parallel", "32", "r@x.org"}).delivery.max_parallel, 32u);
  expect_usage_error({"--max-parallel", "0", "r@x.org"},
                     "--max-parallel must be a number from 1 to 1000, not '0'");
  expect_usage_error({"--max-parallel", "many", "r@x.org"},
                     "--max-parallel must be a number from 1 to 1000, not 'many'");
}

TEST(CommandLine, MaxAddresses) {
  EXPECT_EQ(parsed({"--max-addresses", "1", "r@x.org"}).delivery.route.max_addresses, 1u);
  EXPECT_EQ(parsed({"--max-addresses", "20", "r@x.org"}).delivery.route.max_addresses, 20u);
  expect_usage_error({"--max-addresses", "0", "r@x.org"},
                     "--max-addresses must be a number from 1 to 1000, not '0'");
  expect_usage_error({"--max-addresses", "5x", "r@x.org"},
                     "--max-addresses must be a number from 1 to 1000, not '5x'");
  expect_usage_error({"--max-addresses", "1001", "r@x.org"},
                     "--max-addresses must be a number from 1 to 1000, not '1001'");
}

TEST(CommandLine, Timeouts) {
  const Request request =
      parsed({"--timeout", "42", "--connect-timeout", "7", "--dns-timeout", "9", "r@x.org"});
  EXPECT_EQ(request.delivery.session.timeouts.every_stage, std::chrono::seconds(42));
  EXPECT_EQ(request.delivery.connect_timeout, std::chrono::seconds(7));
  EXPECT_EQ(request.delivery.dns_timeout, std::chrono::seconds(9));
}

TEST(CommandLine, BadTimeoutsAreUsageErrors) {
  for (const char* option : {"--timeout", "--connect-timeout", "--dns-timeout"}) {
    for (const char* bad : {"0", "-5", "1.5", "soon", "86401"}) {
      SCOPED_TRACE(std::string(option) + " " + bad);
      expect_usage_error({option, bad, "r@x.org"},
                         std::string(option) +
                             " must be a whole number of seconds from 1 to 86400, not '" + bad +
                             "'");
    }
  }
}

TEST(CommandLine, OutputFlags) {
  const Request request = parsed({"--json", "--dry-run", "-q", "r@x.org"});
  EXPECT_TRUE(request.json);
  EXPECT_TRUE(request.dry_run);
  EXPECT_TRUE(request.quiet);
}

TEST(CommandLine, VerbosityCounts) {
  EXPECT_EQ(parsed({"-v", "r@x.org"}).verbosity, 1);
  EXPECT_EQ(parsed({"-vv", "r@x.org"}).verbosity, 2);
  EXPECT_EQ(parsed({"-v", "-v", "r@x.org"}).verbosity, 2);
  EXPECT_EQ(parsed({"-vv", "-v", "r@x.org"}).verbosity, 3);
}

TEST(CommandLine, QuietWithVerboseIsUsageError) {
  expect_usage_error({"-q", "-v", "r@x.org"}, "-q and -v cannot be used together");
}

TEST(CommandLine, SendmailReadToEndFlagsAreAcceptedAndIgnored) {
  EXPECT_EQ(parsed({"-i", "r@x.org"}).recipients, std::vector<std::string>{"r@x.org"});
  EXPECT_EQ(parsed({"-oi", "r@x.org"}).recipients, std::vector<std::string>{"r@x.org"});
  EXPECT_EQ(parsed({"r@x.org", "-oi", "-i"}).recipients, std::vector<std::string>{"r@x.org"});
  EXPECT_EQ(parsed({"-vi", "r@x.org"}).verbosity, 1);
}

TEST(CommandLine, DashOiAfterAFlagIsDropped) {
  EXPECT_TRUE(parsed({"--json", "-oi", "r@x.org"}).json);
  EXPECT_TRUE(parsed({"-q", "-oi", "-oi", "r@x.org"}).quiet);
  EXPECT_EQ(parsed({"-i", "-oi", "r@x.org"}).recipients, std::vector<std::string>{"r@x.org"});
}

TEST(CommandLine, RepeatedFlagsAreHarmless) {
  const Request request = parsed({"--json", "--json", "-q", "-q", "-4", "-4", "r@x.org"});
  EXPECT_TRUE(request.json);
  EXPECT_TRUE(request.quiet);
  EXPECT_EQ(request.delivery.route.family, dns::AddressFamily::ipv4);
}

TEST(CommandLine, DashOiAsAValueOrAfterDoubleDashIsKept) {
  EXPECT_EQ(parsed({"-m", "-oi", "r@x.org"}).message_paths, std::vector<std::string>{"-oi"});
  EXPECT_EQ(parsed({"r@x.org", "--", "-oi"}).recipients,
            (std::vector<std::string>{"r@x.org", "-oi"}));
}

TEST(CommandLine, NoRecipientsIsUsageError) {
  expect_usage_error({}, "no recipients given");
  expect_usage_error({"-m", "a.eml", "-oi"}, "no recipients given");
}

TEST(CommandLine, UnknownOptionsAreUsageErrorsNamingThem) {
  for (const char* option : {"--frobnicate", "--subjekt"}) {
    SCOPED_TRACE(option);
    const CommandLine result = parse({option, "x", "r@x.org"});
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    EXPECT_NE(result.error.find(option), std::string::npos) << result.error;
    EXPECT_EQ(result.error.find('\n'), std::string::npos);
  }
}

constexpr char kPasswordRefusal[] =
    "a password is never accepted on the command line; use --password-file, --password-cmd or "
    "SMTPSEND_PASSWORD";

// The refusal comes first, whatever else is wrong on the line: the hint is what the user needs.
TEST(CommandLine, PasswordIsRefusedEvenWhenAnotherMistakeComesFirst) {
  expect_usage_error({"--password", "hunter2", "--bogus", "r@x.org"}, kPasswordRefusal);
  expect_usage_error({"--bogus", "--password=hunter2", "r@x.org"}, kPasswordRefusal);
  expect_usage_error({"--mx-port", "0", "--password", "hunter2", "r@x.org"}, kPasswordRefusal);
  expect_usage_error({"--password"}, kPasswordRefusal);
  expect_usage_error({"--password=", "r@x.org"}, kPasswordRefusal);
  // After "--" it is a (bad) recipient, not an option.
  EXPECT_NE(parse({"--", "--password"}).error, kPasswordRefusal);
  // The password sources are not mistaken for it.
  EXPECT_NE(parse({"--password-file", "/f", "r@x.org"}).error, kPasswordRefusal);
}

// A misspelled password option must not print its value: the error line goes to stderr, which
// cron mails and scripts log.
TEST(CommandLine, UnknownOptionsAreNamedWithoutTheirValues) {
  for (const std::string option : {"--pass", "--passwd", "--pw", "--pasword", "--secret"}) {
    SCOPED_TRACE(option);
    const CommandLine result = parse({option + "=hunter2", "r@x.org"});
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    EXPECT_EQ(result.error, "The following argument was not expected: " + option);
  }
  const CommandLine several = parse({"--pass=hunter2", "--pw=s3cret", "r@x.org"});
  EXPECT_EQ(several.error, "The following arguments were not expected: --pass --pw");
  // An unknown short option followed by its value in one word: only the letter is shown.
  const CommandLine glued = parse({"-phunter2", "r@x.org"});
  EXPECT_EQ(glued.exit_code, ExitCode::usage);
  EXPECT_EQ(glued.error, "The following argument was not expected: -p");
  for (const CommandLine& result : {several, glued}) {
    EXPECT_EQ(result.error.find("hunter2"), std::string::npos) << result.error;
    EXPECT_EQ(result.error.find("s3cret"), std::string::npos) << result.error;
  }
}

TEST(CommandLine, MissingValueIsUsageError) {
  const CommandLine result = parse({"r@x.org", "--mx-port"});
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_NE(result.error.find("--mx-port"), std::string::npos) << result.error;
}

TEST(CommandLine, HelpPrintsToStdoutAndExitsZero) {
  for (const char* flag : {"--help", "-h"}) {
    const CommandLine result = parse({flag});
    EXPECT_EQ(result.exit_code, ExitCode::ok);
    EXPECT_FALSE(result.request.has_value());
    EXPECT_TRUE(result.error.empty());
    EXPECT_EQ(result.output, help_text());
  }
}

TEST(CommandLine, HelpUsesTheContractsWording) {
  const std::string help = help_text();
  for (const char* phrase : {"Usage: smtpsend [OPTIONS] [RECIPIENT...]",
                             "-m,--message",
                             "an RFC 5322 message to send; - is stdin",
                             "-f,--from",
                             "-f '' and -f '<>' are the null sender",
                             "--qualify-domain",
                             "one recipient a line (blank lines and # comments ignored)",
                             "DNS servers to use instead of the system's (repeatable)",
                             "port for MX hosts (default 25)",
                             "EHLO name (default: this host's FQDN, else the local address as "
                             "[literal])",
                             "IPv4 only",
                             "IPv6 only",
                             "destinations delivered at the same time (default 8)",
                             "overrides every SMTP stage timeout at once",
                             "per address (default 30)",
                             "whole DNS resolution of one destination (default 60)",
                             "send nothing",
                             "accepted; smtpsend always reads to end of input",
                             "--json",
                             "--version"}) {
    EXPECT_NE(help.find(phrase), std::string::npos) << phrase;
  }
}

TEST(CommandLine, VersionPrintsAndExitsZero) {
  const CommandLine result = parse({"--version"});
  EXPECT_EQ(result.exit_code, ExitCode::ok);
  EXPECT_FALSE(result.request.has_value());
  EXPECT_EQ(result.output, version_text());
  EXPECT_TRUE(result.output.starts_with("smtpsend "));
}

}  // namespace
}  // namespace smtpsend::cli
