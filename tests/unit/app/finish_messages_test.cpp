// finish_messages(): the one call of message::finalize_message(), once every envelope is known;
// with --each, every (message, recipient) becomes a copy with the item's whole envelope.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "steps.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::app {
namespace {

const cli::HostIdentity kHost{"host.client.test", "alice"};
// Recipients an alias refused (build_envelopes() appends to it).
std::vector<RecipientResult> refused;

message::Message loaded(std::string_view raw) {
  message::Message m;
  message::LoadError error;
  const message::CompletionContext context{"host.client.test", std::chrono::system_clock::now(),
                                           "u"};
  EXPECT_TRUE(message::prepare_message(raw, "stdin", context, m, error)) << error.detail;
  return m;
}

cli::Request request_for(std::vector<std::string> recipients) {
  cli::Request request;
  request.recipients = std::move(recipients);
  request.qualify_domain = "client.test";
  request.from = "sender@client.test";
  request.envelope_parameters.dsn.notify = "SUCCESS,FAILURE";
  request.envelope_parameters.dsn.envid = "id1";
  return request;
}

std::vector<message::Message> two_messages() {
  std::vector<message::Message> messages;
  messages.push_back(loaded("Subject: plain\n\nbody\n"));
  messages.push_back(
      loaded("Subject: s\nContent-Type: text/plain; charset=utf-8\n\ncaf\xc3\xa9\n"));
  return messages;
}

TEST(FinishMessages, WithoutEachEveryMessageIsFinishedItselfAndKeepsItsEnvelope) {
  const cli::Request request = request_for({"a@x.test", "b@y.test"});
  std::vector<message::Message> messages = two_messages();
  const std::string first = messages[0].content;
  std::vector<delivery::OutgoingMessage> outgoing;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refused), std::nullopt);
  finish_messages(false, kHost.fqdn, messages, outgoing);
  ASSERT_EQ(messages.size(), 2u);
  ASSERT_EQ(outgoing.size(), 2u);
  for (std::size_t i = 0; i < outgoing.size(); ++i) {
    EXPECT_EQ(outgoing[i].message, &messages[i]);
    ASSERT_EQ(outgoing[i].recipients.size(), 2u);
    EXPECT_EQ(outgoing[i].recipients[1].text, "b@y.test");
  }
  EXPECT_EQ(messages[0].content, first);
  EXPECT_FALSE(messages[0].eight_bit);
  EXPECT_TRUE(messages[1].eight_bit);
  EXPECT_FALSE(messages[1].seven_bit.content.empty()) << messages[1].seven_bit.error;
}

TEST(FinishMessages, EachMakesOneCopyPerRecipientWithTheWholeEnvelope) {
  const cli::Request request = request_for({"a@x.test", "b@y.test"});
  std::vector<message::Message> messages = two_messages();
  std::vector<delivery::OutgoingMessage> outgoing;
  ASSERT_EQ(build_envelopes(request, kHost, kHost.fqdn, messages, outgoing, refused), std::nullopt);
  finish_messages(true, kHost.fqdn, messages, outgoing);
  ASSERT_EQ(messages.size(), 4u);
  ASSERT_EQ(outgoing.size(), 4u);
  const std::vector<std::string> to{"a@x.test", "b@y.test", "a@x.test", "b@y.test"};
  for (std::size_t i = 0; i < outgoing.size(); ++i) {
    EXPECT_EQ(outgoing[i].message, &messages[i]);
    ASSERT_EQ(outgoing[i].recipients.size(), 1u);
    EXPECT_EQ(outgoing[i].recipients[0].text, to[i]);
    EXPECT_TRUE(messages[i].content.starts_with("To: " + to[i] + "\r\n")) << messages[i].content;
    EXPECT_EQ(outgoing[i].mail_from, "sender@client.test");
    EXPECT_EQ(outgoing[i].parameters, request.envelope_parameters);
  }
  EXPECT_NE(messages[0].facts.message_id, messages[1].facts.message_id);
  EXPECT_FALSE(messages[1].eight_bit);
  EXPECT_TRUE(messages[3].eight_bit);
  EXPECT_NE(messages[3].seven_bit.content.find("To: b@y.test\r\n"), std::string::npos);
}

// build_envelopes() stops such a run first; finish_messages() must still make no copy for
// nobody rather than send the message itself.
TEST(FinishMessages, EachMakesNoCopyForAnItemWithoutRecipients) {
  std::vector<message::Message> messages;
  messages.push_back(loaded("Subject: plain\n\nbody\n"));
  std::vector<delivery::OutgoingMessage> outgoing(1);
  outgoing[0].message = &messages[0];
  finish_messages(true, kHost.fqdn, messages, outgoing);
  EXPECT_TRUE(messages.empty());
  EXPECT_TRUE(outgoing.empty());
}

// Every copy keeps what its message's envelope carries; only the message and the recipient are
// the copy's own (issue 11: the envelope parameters were copied field by field, so a new one
// would have been dropped for --each).
TEST(FinishMessagesEach, EveryCopyKeepsTheSenderAndTheEnvelopeParameters) {
  std::vector<message::Message> messages{
      loaded("From: a@client.test\nTo: b@x.test, c@y.test\nSubject: s\n\nbody\n")};
  delivery::OutgoingMessage item;
  item.message = &messages[0];
  item.mail_from = "a@client.test";
  item.recipients = {test::envelope_address("b", "x.test"), test::envelope_address("c", "y.test")};
  item.parameters.dsn.notify = "FAILURE";
  item.parameters.dsn.ret = smtp::DsnReturn::full;
  item.parameters.dsn.envid = "mailing-1";
  std::vector<delivery::OutgoingMessage> outgoing{item};

  finish_messages(true, "host.client.test", messages, outgoing);

  ASSERT_EQ(outgoing.size(), 2u);
  ASSERT_EQ(messages.size(), 2u);
  for (std::size_t i = 0; i < outgoing.size(); ++i) {
    EXPECT_EQ(outgoing[i].message, &messages[i]);
    EXPECT_EQ(outgoing[i].mail_from, "a@client.test");
    EXPECT_EQ(outgoing[i].parameters, item.parameters);
    ASSERT_EQ(outgoing[i].recipients.size(), 1u);
    EXPECT_EQ(outgoing[i].recipients[0].text, item.recipients[i].text);
  }
}

}  // namespace
}  // namespace smtpsend::app
