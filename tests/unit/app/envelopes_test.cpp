// build_envelopes(): the step that turns the command line's recipients and those -t read from
// each message into the envelopes delivery gets (SPEC.md "Message input", "Envelope").
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  ASSERT_EQ(build_envelopes(request, kHost, messages, outgoing), std::nullopt);
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
  ASSERT_EQ(build_envelopes(request, kHost, messages, outgoing), std::nullopt);
  ASSERT_EQ(outgoing.size(), 2u);
  EXPECT_EQ(rcpts(outgoing[0]), (std::vector<std::string>{"bob@example.test", "one@x.test"}));
  EXPECT_EQ(rcpts(outgoing[1]),
            (std::vector<std::string>{"bob@example.test", "two@y.test", "BOB@example.test"}));
}

TEST(BuildEnvelopes, NoRecipientAtAllIsUsageError) {
  const std::vector<message::Message> messages{message_naming({})};
  std::vector<delivery::OutgoingMessage> outgoing;
  const std::optional<Stop> stop = build_envelopes(request_with({}), kHost, messages, outgoing);
  ASSERT_TRUE(stop.has_value());
  EXPECT_EQ(stop->code, ExitCode::usage);
  EXPECT_EQ(stop->sentence, "no recipients: none given and -t found none in stdin");
}

TEST(BuildEnvelopes, BadAddressOnEitherSideIsDataError) {
  std::vector<delivery::OutgoingMessage> outgoing;
  const std::vector<message::Message> bad_header{message_naming({"a@@b"})};
  const std::optional<Stop> from_header =
      build_envelopes(request_with({"bob@example.test"}), kHost, bad_header, outgoing);
  ASSERT_TRUE(from_header.has_value());
  EXPECT_EQ(from_header->code, ExitCode::data_error);
  EXPECT_NE(from_header->sentence.find("a@@b"), std::string::npos);

  const std::vector<message::Message> fine{message_naming({})};
  const std::optional<Stop> from_command_line =
      build_envelopes(request_with({"x@@y"}), kHost, fine, outgoing);
  ASSERT_TRUE(from_command_line.has_value());
  EXPECT_EQ(from_command_line->code, ExitCode::data_error);
}

}  // namespace
}  // namespace smtpsend::app
