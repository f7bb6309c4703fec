// The envelope on the wire: A-labels for IDN domains (RFC 5890), SMTPUTF8 facts (RFC 6531
// §3.2), and what the delivery plan puts into each transaction.
#include "smtpsend/delivery/wire_form.hpp"

#include <gtest/gtest.h>

#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::delivery {
namespace {

TEST(WireAddress, IdnDomainBecomesALabelsLocalPartKept) {
  const WireAddress wire = wire_address(
      "Bob@B\xc3\xbc"
      "cher.example");
  EXPECT_EQ(wire.text, "Bob@xn--bcher-kva.example");
  EXPECT_FALSE(wire.needs_smtputf8);
}

TEST(WireAddress, AsciiLiteralAndNullSenderAreKept) {
  EXPECT_EQ(wire_address("Bob@Example.COM").text, "Bob@Example.COM");
  EXPECT_EQ(wire_address("bob@[192.0.2.1]").text, "bob@[192.0.2.1]");
  EXPECT_EQ(wire_address("").text, "");
  EXPECT_FALSE(wire_address("").needs_smtputf8);
}

TEST(WireAddress, Utf8LocalPartNeedsSmtpUtf8) {
  const WireAddress wire = wire_address(
      "j\xc3\xb6rg@b\xc3\xbc"
      "cher.example");
  EXPECT_EQ(wire.text, "j\xc3\xb6rg@xn--bcher-kva.example");
  EXPECT_TRUE(wire.needs_smtputf8);
}

TEST(WireAddress, UnconvertibleDomainIsKeptAndNeedsSmtpUtf8) {
  const WireAddress wire = wire_address("bob@\xe2\x98\x83\xff.example");
  EXPECT_EQ(wire.text, "bob@\xe2\x98\x83\xff.example");
  EXPECT_TRUE(wire.needs_smtputf8);
}

message::Message loaded(std::string content) {
  message::Message m;
  m.content = std::move(content);
  m.facts.header_end = m.content.find("\r\n\r\n") + 2;
  message::prepare_seven_bit_form(m);
  return m;
}

TEST(WireFormInPlan, TransactionsCarryTheWireEnvelope) {
  const message::Message m = loaded("Subject: hi\r\n\r\nbody\r\n");
  const std::vector<Destination> destinations =
      group_by_domain({OutgoingMessage{&m,
                                       "me@m\xc3\xbcnchen.example",
                                       {test::envelope_address("bob",
                                                               "b\xc3\xbc"
                                                               "cher.example"),
                                        test::envelope_address("carol",
                                                               "B\xc3\x9c"
                                                               "CHER.example")}}});
  ASSERT_EQ(destinations.size(), 2u);  // grouping stays by the written domain, ASCII-folded
  const smtp::Transaction& t = destinations[0].transactions[0];
  EXPECT_EQ(t.recipients, (std::vector<std::string>{"bob@b\xc3\xbc"
                                                    "cher.example"}));
  EXPECT_EQ(t.wire_recipients, (std::vector<std::string>{"bob@xn--bcher-kva.example"}));
  EXPECT_EQ(t.wire_mail_from, "me@xn--mnchen-3ya.example");
  EXPECT_FALSE(t.needs_smtputf8);
  EXPECT_EQ(destinations[1].transactions[0].wire_recipients,
            (std::vector<std::string>{"carol@xn--bcher-kva.example"}));
}

TEST(WireFormInPlan, RawUtf8HeaderOrLocalPartNeedsSmtpUtf8) {
  const message::Message header8 = loaded("Subject: caf\xc3\xa9\r\n\r\nbody\r\n");
  const message::Message body8 = loaded("Subject: hi\r\n\r\ncaf\xc3\xa9\r\n");
  const RelayRoute relay{"relay.example", 587, false, false};
  EXPECT_TRUE(relay_destination(
                  {OutgoingMessage{
                      &header8, "me@example.org", {test::envelope_address("bob", "example.net")}}},
                  relay)
                  .transactions[0]
                  .needs_smtputf8);
  const Destination plain = relay_destination(
      {OutgoingMessage{&body8, "me@example.org", {test::envelope_address("bob", "example.net")}}},
      relay);
  EXPECT_FALSE(plain.transactions[0].needs_smtputf8);
  // A UTF-8 sender makes the whole message need it; a UTF-8 recipient only itself (the session
  // sees that in its wire form).
  EXPECT_TRUE(relay_destination({OutgoingMessage{&body8,
                                                 "j\xc3\xb6rg@example.org",
                                                 {test::envelope_address("bob", "example.net")}}},
                                relay)
                  .transactions[0]
                  .needs_smtputf8);
  EXPECT_FALSE(
      relay_destination(
          {OutgoingMessage{
              &body8, "me@example.org", {test::envelope_address("j\xc3\xb6rg", "example.net")}}},
          relay)
          .transactions[0]
          .needs_smtputf8);
  // Latin-1 in a header is not UTF-8: SMTPUTF8 cannot carry it (RFC 6532 §3.1).
  const message::Message latin1 = loaded("Subject: caf\xe9\r\n\r\nbody\r\n");
  EXPECT_FALSE(relay_destination(
                   {OutgoingMessage{
                       &latin1, "me@example.org", {test::envelope_address("bob", "example.net")}}},
                   relay)
                   .transactions[0]
                   .needs_smtputf8);
  // The 7-bit form rides along as a view of the message's own bytes.
  EXPECT_EQ(plain.transactions[0].seven_bit_content.head.data(), body8.seven_bit.content.data());
  EXPECT_TRUE(plain.transactions[0].seven_bit_error.empty());
}

}  // namespace
}  // namespace smtpsend::delivery
