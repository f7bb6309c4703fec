// --relay spellings (SPEC.md "Routing") and the relay/AUTH options with their defaults and
// usage errors (SPEC.md "TLS", "Authentication").
#include <gtest/gtest.h>

#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/relay_target.hpp"
#include "smtpsend/delivery/host_tls.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"client.example", "alice"};
const std::vector<std::string> kNoConfigFiles;

struct RelayCase {
  std::string text;
  std::string host;
  std::uint16_t port;  // 0: none given
  bool implicit_tls;
  bool literal;
};

TEST(RelayTarget, AcceptedSpellings) {
  for (const RelayCase& c : std::vector<RelayCase>{
           {"smtp.example.com", "smtp.example.com", 0, false, false},
           {"smtp.example.com:2525", "smtp.example.com", 2525, false, false},
           {"smtp://smtp.example.com", "smtp.example.com", 0, false, false},
           {"smtp://smtp.example.com:587/", "smtp.example.com", 587, false, false},
           {"smtps://smtp.example.com", "smtp.example.com", 0, true, false},
           {"smtps://smtp.example.com:10465", "smtp.example.com", 10465, true, false},
           {"127.0.0.1:25", "127.0.0.1", 25, false, true},
           {"[::1]:587", "::1", 587, false, true},
           {"[2001:db8::1]", "2001:db8::1", 0, false, true},
           {"::1", "::1", 0, false, true},
           {"smtps://[::1]:465", "::1", 465, true, true},
           {"bücher.example", "bücher.example", 0, false, false},
       }) {
    SCOPED_TRACE(c.text);
    delivery::RelayRoute route;
    std::string error;
    ASSERT_TRUE(parse_relay_target(c.text, route, error)) << error;
    EXPECT_EQ(route.host, c.host);
    EXPECT_EQ(route.port, c.port);
    EXPECT_EQ(route.implicit_tls, c.implicit_tls);
    EXPECT_EQ(route.address_literal, c.literal);
  }
}

TEST(RelayTarget, RefusedSpellingsSayWhy) {
  for (const auto& [text, sentence] : std::vector<std::pair<std::string, std::string>>{
           {"", "the relay host is empty"},
           {"smtp://", "the relay host is empty"},
           {":587", "the relay host is empty"},
           {"host:", "the port after ':' is empty"},
           {"host:0", "'0' is not a port number (1-65535)"},
           {"host:65536", "'65536' is not a port number (1-65535)"},
           {"host:25x", "'25x' is not a port number (1-65535)"},
           {"imap://host", "'imap://host': the scheme must be smtp:// or smtps://"},
           {"smtp://host/path", "'host/path' is not HOST[:PORT] (no path or query belongs here)"},
           {"[::1", "'[::1' has '[' without ']'"},
           {"[127.0.0.1]:25", "'[127.0.0.1]' is not an IPv6 address"},
           {"[::1]x", "unexpected 'x' after ']'"},
           {"host name", "'host name' is not a host name or IP address"},
       }) {
    SCOPED_TRACE(text);
    delivery::RelayRoute route;
    std::string error;
    EXPECT_FALSE(parse_relay_target(text, route, error));
    EXPECT_EQ(error, sentence);
  }
}

// RFC 3986 userinfo holds a password: refused with the password sources named, never echoed.
TEST(RelayTarget, UserinfoIsRefusedWithoutEchoingIt) {
  for (const std::string text : {"smtp://me:hunter2@mail.example:587", "me:hunter2@mail.example",
                                 "smtps://me:hunter2@mail.example/", "hunter2@mail.example"}) {
    SCOPED_TRACE(text);
    delivery::RelayRoute route;
    std::string error;
    EXPECT_FALSE(parse_relay_target(text, route, error));
    EXPECT_EQ(error.find("hunter2"), std::string::npos);
    EXPECT_NE(error.find("-u"), std::string::npos);
    EXPECT_NE(error.find("--password-file"), std::string::npos);
    EXPECT_NE(error.find("SMTPSEND_PASSWORD"), std::string::npos);
  }
}

CommandLine parse(std::vector<std::string> args) {
  args.push_back("bob@example.com");
  return parse_command_line(args, kHost, kNoConfigFiles);
}

Request parsed(std::vector<std::string> args) {
  CommandLine result = parse(std::move(args));
  EXPECT_EQ(result.error, "");
  EXPECT_TRUE(result.request.has_value());
  return result.request.value_or(Request{});
}

TEST(RelayOptions, DefaultPortsAndVerifyForARelay) {
  const Request plain = parsed({"--relay", "mail.example.com"});
  ASSERT_TRUE(plain.delivery.route.relay);
  EXPECT_EQ(plain.delivery.route.relay->port, 587);
  EXPECT_FALSE(plain.delivery.route.relay->implicit_tls);
  EXPECT_EQ(plain.delivery.tls.policy, std::nullopt) << "no --tls: the route decides";
  EXPECT_EQ(delivery::tls_for_host(plain.delivery).policy, smtp::TlsPolicy::verify);

  const Request smtps = parsed({"-r", "mail.example.com", "--smtps"});
  EXPECT_EQ(smtps.delivery.route.relay->port, 465);
  EXPECT_TRUE(smtps.delivery.route.relay->implicit_tls);

  const Request url = parsed({"--relay", "smtps://mail.example.com"});
  EXPECT_EQ(url.delivery.route.relay->port, 465);

  const Request chosen = parsed({"--relay", "mail.example.com", "--tls", "required"});
  EXPECT_EQ(chosen.delivery.tls.policy, smtp::TlsPolicy::required);
  EXPECT_EQ(delivery::tls_for_host(chosen.delivery).policy, smtp::TlsPolicy::required);
  const Request opportunistic = parsed({"--relay", "mail.example.com", "--tls", "opportunistic"});
  EXPECT_EQ(delivery::tls_for_host(opportunistic.delivery).policy, smtp::TlsPolicy::opportunistic);

  const Request direct = parsed({});
  EXPECT_FALSE(direct.delivery.route.relay);
  EXPECT_EQ(delivery::tls_for_host(direct.delivery).policy, smtp::TlsPolicy::opportunistic)
      << "MX default";
  EXPECT_FALSE(direct.auth);
}

TEST(RelayOptions, AuthRequestCarriesSourcesNotSecrets) {
  const Request request = parsed({"--relay", "mail.example.com", "-u", "me", "--password-file",
                                  "/run/pw", "--auth", "cram-md5", "--allow-plaintext-auth"});
  ASSERT_TRUE(request.auth);
  EXPECT_EQ(request.auth->user, "me");
  EXPECT_EQ(request.auth->passwords.file, "/run/pw");
  EXPECT_EQ(request.auth->preference.requested, smtp::SaslMechanism::cram_md5);
  EXPECT_FALSE(request.auth->preference.oauth_token);
  EXPECT_TRUE(request.auth->allow_plaintext);

  const Request oauth = parsed({"--relay", "mail.example.com", "-u", "me", "--oauth-token-cmd",
                                "print-token", "--auth", "xoauth2"});
  EXPECT_EQ(oauth.auth->oauth_token_cmd, "print-token");
  EXPECT_TRUE(oauth.auth->preference.oauth_token);

  const Request automatic = parsed({"--relay", "mail.example.com", "-u", "me", "--auth", "auto"});
  EXPECT_FALSE(automatic.auth->preference.requested);
}

TEST(RelayOptions, UsageErrorsAreOneSentenceAnd64) {
  for (const auto& [args, sentence] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"--relay", "imap://x"}, "--relay: 'imap://x': the scheme must be smtp:// or smtps://"},
           {{"--smtps"}, "--smtps needs --relay (implicit TLS is for submission servers)"},
           {{"-u", "me"}, "-u/--user needs --relay: AUTH is for submission servers, not MX hosts"},
           {{"--relay", "x.example", "--password-cmd", "pass"}, "--password-cmd needs -u/--user"},
           {{"--relay", "x.example", "--auth", "plain"}, "--auth needs -u/--user"},
           {{"--relay", "x.example", "-u", "me", "--auth", "md5"},
            "--auth must be auto, plain, login, cram-md5, scram-sha-1, scram-sha-256, xoauth2 or "
            "oauthbearer, not 'md5'"},
           {{"--relay", "x.example", "-u", "me", "--auth", "oauthbearer"},
            "--auth oauthbearer needs --oauth-token-cmd"},
           {{"--relay", "x.example", "-u", "me", "--auth", "plain", "--oauth-token-cmd", "t"},
            "--oauth-token-cmd gives a token, which --auth plain cannot use"},
           {{"--relay", "smtps://x.example", "--tls", "none"},
            "--tls none cannot be used with implicit TLS (--smtps or smtps://)"},
           {{"--password", "hunter2"},
            "a password is never accepted on the command line; use --password-file, "
            "--password-cmd or SMTPSEND_PASSWORD"},
       }) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const CommandLine result = parse(args);
    EXPECT_EQ(result.exit_code, ExitCode::usage);
    EXPECT_EQ(result.error, sentence);
    EXPECT_EQ(result.error.find("hunter2"), std::string::npos);
  }
}

TEST(RelayOptions, HelpShowsTheContractsWording) {
  const std::string help = help_text();
  for (const char* phrase :
       {"-r,--relay", "smtps://HOST[:PORT]", "--smtps", "implicit TLS from the first byte",
        "-u,--user", "AUTH user; enables AUTH", "--password-file", "--password-cmd",
        "SMTPSEND_PASSWORD", "--auth", "scram-sha-256", "--oauth-token-cmd",
        "prints an OAuth2 access token", "--allow-plaintext-auth"}) {
    EXPECT_NE(help.find(phrase), std::string::npos) << phrase;
  }
}

}  // namespace
}  // namespace smtpsend::cli
