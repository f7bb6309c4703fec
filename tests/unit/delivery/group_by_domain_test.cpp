#include <gtest/gtest.h>

#include "smtpsend/delivery/plan.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::delivery {
namespace {

message::EnvelopeAddress address(const std::string& local, const std::string& domain) {
  return test::envelope_address(local, domain);
}

OutgoingMessage outgoing(const message::Message& m, std::string from,
                         std::vector<message::EnvelopeAddress> recipients) {
  return OutgoingMessage{&m, std::move(from), std::move(recipients)};
}

std::vector<std::string> keys(const std::vector<Destination>& destinations) {
  std::vector<std::string> out;
  for (const Destination& d : destinations) out.push_back(d.key);
  return out;
}

TEST(GroupByDomain, GroupsCaseInsensitivelyKeepingFirstSeenOrderAndSpelling) {
  message::Message m;
  m.content = "Subject: hi\r\n\r\nbody\r\n";
  const auto destinations = group_by_domain({outgoing(
      m, "me@here.test",
      {address("a", "Example.COM"), address("b", "other.test"), address("c", "example.com")})});

  ASSERT_EQ(keys(destinations), (std::vector<std::string>{"example.com", "other.test"}));
  EXPECT_EQ(destinations[0].domain, "Example.COM");
  ASSERT_EQ(destinations[0].transactions.size(), 1u);
  EXPECT_EQ(destinations[0].transactions[0].recipients,
            (std::vector<std::string>{"a@Example.COM", "c@example.com"}));
  EXPECT_EQ(destinations[1].transactions[0].recipients, (std::vector<std::string>{"b@other.test"}));
}

TEST(GroupByDomain, TransactionCarriesTheMessageAndEnvelope) {
  message::Message m;
  m.content = "Subject: caf\xc3\xa9\r\n\r\nbody\r\n";
  m.eight_bit = true;
  const auto destinations = group_by_domain({outgoing(m, "", {address("a", "example.com")})});

  ASSERT_EQ(destinations.size(), 1u);
  const smtp::Transaction& t = destinations[0].transactions[0];
  EXPECT_EQ(t.message_index, 0u);
  EXPECT_EQ(t.mail_from, "");
  EXPECT_EQ(t.content, m.content);
  EXPECT_EQ(t.content.head.data(), m.content.data()) << "content is a view of the caller's bytes";
  EXPECT_TRUE(t.eight_bit);
}

// The envelope parameters travel as one value: whatever EnvelopeParameters holds reaches the
// transaction, for a domain's transaction and for the relay's alike.
TEST(GroupByDomain, TransactionCarriesTheEnvelopeParametersWhole) {
  message::Message m;
  OutgoingMessage item = outgoing(m, "me@here.test", {address("a", "example.com")});
  item.parameters.dsn.notify = "SUCCESS,FAILURE";
  item.parameters.dsn.ret = smtp::DsnReturn::headers;
  item.parameters.dsn.envid = "job+7";
  const auto destinations = group_by_domain({item});
  ASSERT_EQ(destinations.size(), 1u);
  EXPECT_EQ(destinations[0].transactions[0].parameters, item.parameters);
  const Destination relayed = relay_destination({item}, RelayRoute{"relay.test"});
  ASSERT_EQ(relayed.transactions.size(), 1u);
  EXPECT_EQ(relayed.transactions[0].parameters, item.parameters);
}

TEST(GroupByDomain, DuplicateRecipientIsSentOnceComparingTheDomainCaseInsensitively) {
  message::Message m;
  const auto destinations =
      group_by_domain({outgoing(m, "me@here.test",
                                {address("bob", "example.com"), address("bob", "EXAMPLE.com"),
                                 address("bob", "example.com"), address("Bob", "example.com")})});

  ASSERT_EQ(destinations.size(), 1u);
  // The local part may be case-sensitive (RFC 5321 §2.4): "Bob" is another mailbox.
  EXPECT_EQ(destinations[0].transactions[0].recipients,
            (std::vector<std::string>{"bob@example.com", "Bob@example.com"}));
}

TEST(GroupByDomain, SeveralMessagesShareDestinationsWithOneTransactionEach) {
  message::Message first;
  first.content = "first\r\n";
  message::Message second;
  second.content = "second\r\n";
  const auto destinations = group_by_domain(
      {outgoing(first, "a@here.test", {address("x", "one.test"), address("y", "two.test")}),
       outgoing(second, "b@here.test",
                {address("z", "three.test"), address("w", "ONE.test"), address("x", "one.test")})});

  ASSERT_EQ(keys(destinations), (std::vector<std::string>{"one.test", "two.test", "three.test"}));
  const Destination& one = destinations[0];
  ASSERT_EQ(one.transactions.size(), 2u);
  EXPECT_EQ(one.transactions[0].message_index, 0u);
  EXPECT_EQ(one.transactions[0].mail_from, "a@here.test");
  EXPECT_EQ(one.transactions[0].content, "first\r\n");
  EXPECT_EQ(one.transactions[0].recipients, (std::vector<std::string>{"x@one.test"}));
  EXPECT_EQ(one.transactions[1].message_index, 1u);
  EXPECT_EQ(one.transactions[1].mail_from, "b@here.test");
  EXPECT_EQ(one.transactions[1].content, "second\r\n");
  // A recipient repeated in another message is a different delivery: sent again.
  EXPECT_EQ(one.transactions[1].recipients, (std::vector<std::string>{"w@ONE.test", "x@one.test"}));
  ASSERT_EQ(destinations[2].transactions.size(), 1u);
  EXPECT_EQ(destinations[2].transactions[0].message_index, 1u);
}

TEST(GroupByDomain, DomainLiteralIsItsOwnDestination) {
  message::Message m;
  const auto destinations = group_by_domain(
      {outgoing(m, "", {address("a", "[192.0.2.1]"), address("b", "[192.0.2.1]")})});
  ASSERT_EQ(destinations.size(), 1u);
  EXPECT_EQ(destinations[0].domain, "[192.0.2.1]");
  EXPECT_EQ(destinations[0].transactions[0].recipients.size(), 2u);
}

TEST(GroupByDomain, NoMessagesNoDestinations) {
  EXPECT_TRUE(group_by_domain({}).empty());
  message::Message m;
  EXPECT_TRUE(group_by_domain({outgoing(m, "", {})}).empty());
}

}  // namespace
}  // namespace smtpsend::delivery
