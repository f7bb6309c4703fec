// finish_messages() with --each: every copy keeps what its message's envelope carries; only
// the message and the recipient are the copy's own (issue 11: the envelope parameters were
// copied field by field, so a new one would have been dropped for --each).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "steps.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::app {
namespace {

message::Message loaded(std::string_view raw) {
  message::Message m;
  message::LoadError error;
  const message::CompletionContext context{"host.client.test", std::chrono::system_clock::now(),
                                           "orig"};
  EXPECT_TRUE(message::prepare_message(raw, "test", context, m, error)) << error.detail;
  return m;
}

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
