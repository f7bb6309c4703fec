// build_envelopes(): the step that turns the command line's recipients and those -t read from
// each message into the envelopes delivery gets (SPEC.md "Message input", "Envelope").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/message/aliases.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

cli::Request request_with(std::vector<std::string> recipients) {
  cli::Request request;
  request.recipients = std::move(recipients);
  request.qualify_domain = "client.test";
  return request;
}

const cli::HostIdentity kHost{"host.client.test", "alice"};
// Recipients an alias refused (build_envelopes() appends to it).
std::vector<RecipientResult> refused;

message::Message message_naming(std::vector<std::string> header_recipients) {
  message::Message message;
  message.source = "stdin";
  message.header_recipients = std::move(header_recipients);
  return message;
}

std::vector<std::string> rcpts(const delivery::OutgoingMessage& outgoing) {
  std::vector<std::string> out;
  for (const message::EnvelopeAddress& address : outgoing.recipients) out.push_back(address.text);
  return out;
}

TEST(BuildEnvelopes, MergesCommandLineAndHeaderRecipientsOncePerMailbox) {
  const cli::Request request = request_with({"bob@Example.Test", "root"});
  const std::vector<message::Message> messages{message_naming(
      {"bob@example.test", "carol@other.test", "erin@EXAMPLE.test", "erin@example.test", "root"})};
  std::vector<delivery::OutgoingMessage> outgoing;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refused), std::nullopt);
  ASSERT_EQ(outgoing.size(), 1u);
  EXPECT_EQ(rcpts(outgoing[0]),
            (std::vector<std::string>{"bob@Example.Test", "root@client.test", "carol@other.test",
                                      "erin@EXAMPLE.test"}));
  EXPECT_EQ(outgoing[0].message, &messages[0]);
  EXPECT_EQ(outgoing[0].mail_from, "alice@client.test");
}

TEST(BuildEnvelopes, EachMessageGetsItsOwnHeaderRecipients) {
  const cli::Request request = request_with({"bob@example.test"});
  const std::vector<message::Message> messages{message_naming({"one@x.test"}),
                                               message_naming({"two@y.test", "BOB@example.test"})};
  std::vector<delivery::OutgoingMessage> outgoing;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refused), std::nullopt);
  ASSERT_EQ(outgoing.size(), 2u);
  EXPECT_EQ(rcpts(outgoing[0]), (std::vector<std::string>{"bob@example.test", "one@x.test"}));
  EXPECT_EQ(rcpts(outgoing[1]),
            (std::vector<std::string>{"bob@example.test", "two@y.test", "BOB@example.test"}));
}

TEST(BuildEnvelopes, NoRecipientAtAllIsUsageError) {
  const std::vector<message::Message> messages{message_naming({})};
  std::vector<delivery::OutgoingMessage> outgoing;
  const std::optional<Stop> stop = build_envelopes(request_with({}), kHost, kHost.fqdn, messages, outgoing, refused);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->code, ExitCode::usage);
  EXPECT_EQ(stop->sentence, "no recipients: none given and -t found none in stdin");
}

TEST(BuildEnvelopes, BadAddressOnEitherSideIsDataError) {
  std::vector<delivery::OutgoingMessage> outgoing;
  const std::vector<message::Message> bad_header{message_naming({"a@@b"})};
  const std::optional<Stop> from_header =
      build_envelopes(request_with({"bob@example.test"}), kHost, kHost.fqdn, bad_header, outgoing, refused);
  ASSERT_TRUE(from_header.has_value());
  EXPECT_EQ(from_header->code, ExitCode::data_error);
  EXPECT_NE(from_header->sentence.find("a@@b"), std::string::npos);

  const std::vector<message::Message> fine{message_naming({})};
  const std::optional<Stop> from_command_line =
      build_envelopes(request_with({"x@@y"}), kHost, kHost.fqdn, fine, outgoing, refused);
  ASSERT_TRUE(from_command_line.has_value());
  EXPECT_EQ(from_command_line->code, ExitCode::data_error);
}

// SPEC.md "Aliases": local recipients (no domain, the qualify domain, this host's name,
// localhost) are expanded where the envelope is built; a target that is not an address fails
// that recipient only; a loop stops the run with 78 before anything is sent.
cli::Request request_with_aliases(std::vector<std::string> recipients, std::string_view file) {
  cli::Request request = request_with(std::move(recipients));
  std::string error;
  EXPECT_TRUE(message::parse_aliases(file, "/etc/aliases", request.aliases, error)) << error;
  return request;
}

TEST(BuildEnvelopes, AliasesExpandLocalRecipients) {
  const cli::Request request = request_with_aliases(
      {"root", "postmaster@host.client.test", "Root@localhost", "bob@example.test"},
      "root: admin@example.test, ops@example.test\npostmaster: root\n");
  const std::vector<message::Message> messages{message_naming({})};
  std::vector<delivery::OutgoingMessage> outgoing;
  std::vector<RecipientResult> refusals;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refusals),
            std::nullopt);
  EXPECT_EQ(rcpts(outgoing[0]), (std::vector<std::string>{"admin@example.test", "ops@example.test",
                                                          "bob@example.test"}));
  EXPECT_TRUE(refusals.empty());
}

TEST(BuildEnvelopes, AnAliasTargetThatIsNotAnAddressFailsItsRecipientOnly) {
  const cli::Request request =
      request_with_aliases({"root", "bob@example.test"}, "root: |/usr/bin/procmail\n");
  const std::vector<message::Message> messages{message_naming({})};
  std::vector<delivery::OutgoingMessage> outgoing;
  std::vector<RecipientResult> refusals;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refusals),
            std::nullopt);
  EXPECT_EQ(rcpts(outgoing[0]), std::vector<std::string>{"bob@example.test"});
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].address, "root@client.test");
  EXPECT_EQ(refusals[0].status, RecipientStatus::failed);
  EXPECT_EQ(refusals[0].cause, FailureCause::permanent);
  EXPECT_EQ(refusals[0].diag.detail,
            "alias 'root' (/etc/aliases:1) names '|/usr/bin/procmail', which is not an address: "
            "commands, files and :include: lists are not delivered");
  EXPECT_EQ(exit_code_for(refusals), ExitCode::unavailable);
}

TEST(BuildEnvelopes, AnAliasLoopIsAConfigurationError) {
  const cli::Request request = request_with_aliases({"a"}, "a: b\nb: a\n");
  const std::vector<message::Message> messages{message_naming({})};
  std::vector<delivery::OutgoingMessage> outgoing;
  std::vector<RecipientResult> refusals;
  const std::optional<Stop> stop =
      build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refusals);
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->code, ExitCode::config);
  EXPECT_EQ(stop->sentence, "/etc/aliases:2: alias loop: a -> b -> a");
}

}  // namespace
}  // namespace smtpsend::app
