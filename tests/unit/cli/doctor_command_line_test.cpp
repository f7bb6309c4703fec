#include "smtpsend/cli/doctor_command_line.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};

DoctorCommandLine parse(std::vector<std::string> args) {
  return parse_doctor_command_line(args, kHost);
}

TEST(DoctorCommandLine, DefaultsAreWhatSendingWouldUse) {
  const auto result = parse({});
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->sender, "alice@host.example.org");
  EXPECT_EQ(result.request->sender_domain, "host.example.org");
  EXPECT_EQ(result.request->helo, "host.example.org");
  EXPECT_EQ(result.request->mx_port, 25);
  EXPECT_FALSE(result.request->public_ip);
  EXPECT_TRUE(result.request->to_domains.empty());
  EXPECT_FALSE(result.request->json);
}

TEST(DoctorCommandLine, EveryOption) {
  const auto result = parse({"--from",
                             "Bob@Example.COM",
                             "--helo",
                             "mail.example.com",
                             "--public-ip",
                             "192.0.2.7",
                             "--to",
                             "a.example",
                             "b.example",
                             "--to",
                             "user@A.example",
                             "--json",
                             "--dns-server",
                             "127.0.0.1:5353",
                             "--mx-port",
                             "2525",
                             "--ca-path",
                             "/",
                             "--dkim",
                             "s1:/k.pem",
                             "--timeout",
                             "7",
                             "--connect-timeout",
                             "3",
                             "--dns-timeout",
                             "4"});
  ASSERT_TRUE(result.request) << result.error;
  const DoctorRequest& r = *result.request;
  EXPECT_EQ(r.sender, "Bob@Example.COM");
  EXPECT_EQ(r.sender_domain, "example.com");
  EXPECT_EQ(r.helo, "mail.example.com");
  EXPECT_EQ(r.public_ip, "192.0.2.7");
  EXPECT_EQ(r.to_domains, (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_TRUE(r.json);
  EXPECT_EQ(r.dns_servers, std::vector<std::string>{"127.0.0.1:5353"});
  EXPECT_EQ(r.mx_port, 2525);
  EXPECT_EQ(r.tls.ca_path, "/");
  EXPECT_EQ(r.dkim, (std::vector<DkimKeyFile>{{"s1", "/k.pem"}}));
  EXPECT_EQ(r.timeouts.stages.every_stage, std::chrono::seconds(7));
  EXPECT_EQ(r.timeouts.connect, std::chrono::seconds(3));
  EXPECT_EQ(r.dns_timeout, std::chrono::seconds(4));
}

TEST(DoctorCommandLine, UsageErrorsAreOneSentence) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"--public-ip", "example.com"}, "--public-ip must be an IP address, not 'example.com'"},
      {{"--from", "nobody"}, "--from must be an address with a domain, not 'nobody'"},
      {{"--from", "a@b..c"}, "--from must be a domain name, not 'b..c'"},
      {{"--to", "localhost"}, "--to must be a domain name, not 'localhost'"},
      {{"--helo", "bad name"}, "--helo"},
      {{"--mx-port", "0"}, "--mx-port"},
      {{"--dns-server", "nameserver"}, "--dns-server"},
      {{"--dkim", "nocolon"}, "--dkim must be SELECTOR:KEYFILE"},
      {{"--timeout", "-1"}, "--timeout"},
      {{"--relay", "x"}, "--relay"},
  };
  for (const auto& [args, words] : cases) {
    const auto result = parse(args);
    EXPECT_FALSE(result.request) << args.front();
    EXPECT_EQ(result.exit_code, ExitCode::usage) << args.front();
    EXPECT_NE(result.error.find(words), std::string::npos) << result.error;
    EXPECT_EQ(result.error.find('\n'), std::string::npos) << result.error;
  }
}

TEST(DoctorCommandLine, UnreadableCaFileIsNoInput) {
  const auto result = parse({"--ca-file", "/nonexistent/ca.pem"});
  EXPECT_EQ(result.exit_code, ExitCode::no_input);
  EXPECT_NE(result.error.find("/nonexistent/ca.pem"), std::string::npos);
}

TEST(DoctorCommandLine, HelpGoesToStdout) {
  const auto result = parse({"--help"});
  EXPECT_FALSE(result.request);
  EXPECT_EQ(result.exit_code, ExitCode::ok);
  EXPECT_NE(result.output.find("--public-ip"), std::string::npos);
  EXPECT_EQ(result.error, "");
}

}  // namespace
}  // namespace smtpsend::cli
