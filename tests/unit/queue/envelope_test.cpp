#include "smtpsend/queue/envelope.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpsend::queue {
namespace {

Envelope sample() {
  Envelope e;
  e.id = "0005F1A2B3C4D5E6abcDEF12";
  e.arrival = 1'765'000'000;
  e.size = 12345;
  e.message_id = "<20261207.x@host.example>";
  e.sender = "cron daemon@host.example";  // a space: escaped
  e.parameters.dsn.ret = smtp::DsnReturn::headers;
  e.parameters.dsn.envid = "QQ314159";
  e.parameters.dsn.notify = "FAILURE,DELAY";
  e.smtputf8 = true;
  e.eight_bit = true;
  e.seven_bit_error = "5.6.3 cannot convert";
  e.route.relay = true;
  e.route.relay_host = "smtp.example.net";
  e.route.relay_port = 587;
  e.route.tls = smtp::TlsPolicy::verify;
  e.route.user = "me@example.net";
  e.route.account = "work";
  e.route.auth_mechanism = "SCRAM-SHA-256";
  e.route.config_file = "/home/me/.config/smtpsend/config.toml";
  RecipientState a;
  a.address = "admin@example.com";
  a.orcpt = "rfc822;root";
  a.notify = "FAILURE";
  a.status = RecipientStatus::pending;
  a.attempts = 2;
  a.last_reply = LastReply{450, "4.2.0", "Greylisted, see http://x/%20 \xc3\xa9"};
  a.host = "mx.example.com";
  a.ip = "2001:db8::25";
  a.next_try = 1'765'000'900;
  a.may_duplicate = true;
  RecipientState b;
  b.address = "ops@example.org";
  b.status = RecipientStatus::delivered;
  e.recipients = {a, b};
  return e;
}

Envelope minimal() {
  Envelope e;
  e.id = "0123456789abcdef";
  RecipientState r;
  r.address = "x@y";
  e.recipients.push_back(r);
  return e;
}

Envelope parse_ok(std::string_view text) {
  Envelope out;
  std::string error;
  EXPECT_TRUE(parse_envelope(text, out, error)) << error;
  return out;
}

std::string parse_error(std::string_view text) {
  Envelope out;
  std::string error;
  EXPECT_FALSE(parse_envelope(text, out, error)) << text;
  return error;
}

TEST(EnvelopeFormat, RoundTripWhole) {
  EXPECT_EQ(parse_ok(format_envelope(sample())), sample());
  EXPECT_EQ(parse_ok(format_envelope(minimal())), minimal());
}

TEST(EnvelopeFormat, EveryStatusRoundTrips) {
  for (const RecipientStatus s :
       {RecipientStatus::pending, RecipientStatus::in_flight, RecipientStatus::delivered,
        RecipientStatus::failed, RecipientStatus::expired}) {
    Envelope e = minimal();
    e.recipients[0].status = s;
    EXPECT_EQ(parse_ok(format_envelope(e)).recipients[0].status, s);
  }
}

TEST(EnvelopeFormat, NullSenderAndDirectRouteRoundTrip) {
  Envelope e = sample();
  e.sender.clear();
  e.bounce = true;
  e.route = Route{};
  EXPECT_EQ(parse_ok(format_envelope(e)), e);
}

TEST(EnvelopeFormat, ValuesAreEscapedSoALineHasOneSpace) {
  const std::string text = format_envelope(sample());
  EXPECT_NE(text.find("sender cron%20daemon@host.example\n"), std::string::npos);
  EXPECT_NE(text.find("reply-text Greylisted,%20see%20http://x/%2520%20%C3%A9\n"),
            std::string::npos);
  EXPECT_EQ(text.rfind("end\n"), text.size() - 4);
  EXPECT_EQ(text.find(kEnvelopeVersionLine), 0U);
}

TEST(EnvelopeFormat, NoSecretFieldExists) {
  // The route names the account; no key can hold a password (SPEC.md "No secrets on disk").
  const std::string text = format_envelope(sample());
  EXPECT_EQ(text.find("pass"), std::string::npos);
  EXPECT_EQ(text.find("token"), std::string::npos);
}

TEST(EnvelopeFormat, LongReplyTextIsCut) {
  Envelope e = minimal();
  e.recipients[0].last_reply = LastReply{451, "", std::string(kMaxStoredReplyText + 50, 'x')};
  EXPECT_EQ(parse_ok(format_envelope(e)).recipients[0].last_reply.text.size(),
            kMaxStoredReplyText);
}

TEST(EnvelopeParser, ByteByByte) {
  const std::string text = format_envelope(sample());
  EnvelopeParser parser;
  for (const char c : text) ASSERT_TRUE(parser.feed(std::string_view(&c, 1))) << parser.error();
  Envelope out;
  ASSERT_TRUE(parser.finish(out)) << parser.error();
  EXPECT_EQ(out, sample());
}

TEST(EnvelopeParser, SplitAtEveryOffset) {
  const std::string text = format_envelope(sample());
  for (std::size_t i = 0; i <= text.size(); ++i) {
    EnvelopeParser parser;
    ASSERT_TRUE(parser.feed(std::string_view(text).substr(0, i))) << i;
    ASSERT_TRUE(parser.feed(std::string_view(text).substr(i))) << i;
    Envelope out;
    ASSERT_TRUE(parser.finish(out)) << i << ": " << parser.error();
    EXPECT_EQ(out, sample()) << i;
  }
}

TEST(EnvelopeParser, EveryTruncationIsAnError) {
  const std::string text = format_envelope(sample());
  for (std::size_t i = 0; i < text.size(); ++i) {
    EnvelopeParser parser;
    parser.feed(std::string_view(text).substr(0, i));
    Envelope out;
    EXPECT_FALSE(parser.finish(out)) << "accepted the first " << i << " bytes";
  }
}

TEST(EnvelopeParser, RejectsMalformedInput) {
  const std::string good = format_envelope(minimal());
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string text = good;
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_NE(parse_error("smtpsend-queue-envelope 2\n").find("not a smtpsend queue envelope"),
            std::string::npos);
  EXPECT_NE(parse_error(replaced("arrival 0\n", "arrival 0\narrival 1\n")).find("twice"),
            std::string::npos);
  EXPECT_NE(parse_error(replaced("arrival 0\n", "colour blue\n")).find("unknown key"),
            std::string::npos);
  EXPECT_NE(parse_error(replaced("arrival 0\n", "")).find("\"arrival\" missing"),
            std::string::npos);
  EXPECT_NE(parse_error(replaced("attempts 0\n", "")).find("\"attempts\" missing for recipient x@y"),
            std::string::npos);
  parse_error(replaced("arrival 0", "arrival -1"));
  parse_error(replaced("arrival 0", "arrival 01"));
  parse_error(replaced("arrival 0", "arrival 99999999999999999999"));
  parse_error(replaced("size 0", "size x"));
  parse_error(replaced("bounce no", "bounce maybe"));
  parse_error(replaced("status pending", "status lost"));
  parse_error(replaced("sender\n", "sender a b\n"));      // a raw space inside a value
  parse_error(replaced("sender\n", "sender a%2\n"));      // a cut escape
  parse_error(replaced("sender\n", "sender a%zz\n"));     // not hex
  parse_error(replaced("sender\n", "sender \n"));         // a space and no value
  parse_error(replaced("sender\n", "sender a\tb\n"));     // a raw control byte
  parse_error(replaced("sender\n", "sender \xc3\xa9\n")); // a raw 8-bit byte
  parse_error(replaced("sender\n", "sender\r\n"));        // CRLF is not the line end
  parse_error(replaced("id 0123456789abcdef", "id short"));
  parse_error(replaced("id 0123456789abcdef", "id ../../../etc/pas"));
  parse_error(replaced("route direct\n", "route direct\nrelay-host x\n"));
  parse_error(replaced("route direct\n", "route relay\n"));  // no relay host or port
  parse_error(replaced("recipient x@y\n", "recipient\n"));
  parse_error(replaced("recipient x@y\n", "attempts 1\nrecipient x@y\n"));  // before a recipient
  parse_error(good + "x");
  parse_error(good + "end\n");
  std::string no_recipient = good.substr(0, good.find("recipient")) + "end\n";
  EXPECT_NE(parse_error(no_recipient).find("no recipient"), std::string::npos);
}

TEST(EnvelopeParser, ErrorNamesTheLine) {
  std::string text = format_envelope(minimal());
  text.replace(text.find("bounce no"), 9, "bounce 2");
  EXPECT_EQ(parse_error(text), "envelope line 6: malformed value of bounce");
}

TEST(EnvelopeParser, LineBoundIsCrossedByOneByte) {
  Envelope e = minimal();
  // "message-id " + value: exactly at the bound parses, one byte more does not.
  e.message_id = std::string(kMaxEnvelopeLine - std::string("message-id ").size(), 'm');
  parse_ok(format_envelope(e));
  e.message_id += 'm';
  EXPECT_NE(parse_error(format_envelope(e)).find("line over"), std::string::npos);
}

TEST(EnvelopeParser, RecipientBoundIsCrossedByOne) {
  Envelope e = minimal();
  e.recipients.assign(kMaxEnvelopeRecipients, e.recipients[0]);
  const std::string at_bound = format_envelope(e);
  EXPECT_EQ(parse_ok(at_bound).recipients.size(), kMaxEnvelopeRecipients);
  e.recipients.push_back(e.recipients[0]);
  EXPECT_NE(parse_error(format_envelope(e)).find("more than"), std::string::npos);
}

TEST(EnvelopeParser, FileBoundIsAnError) {
  // Valid lines only, so that the whole-file bound is what stops it: recipients with reply
  // texts that are all escapes (3 bytes each).
  Envelope e = minimal();
  e.recipients[0].last_reply = LastReply{450, "", std::string(kMaxStoredReplyText, ' ')};
  const std::size_t per_recipient = format_envelope(e).size() - format_envelope(minimal()).size();
  e.recipients.assign(kMaxEnvelopeBytes / per_recipient + 1, e.recipients[0]);
  EXPECT_NE(parse_error(format_envelope(e)).find("over " + std::to_string(kMaxEnvelopeBytes)),
            std::string::npos);
}

TEST(EnvelopeParser, StopsAtTheFirstError) {
  EnvelopeParser parser;
  EXPECT_FALSE(parser.feed("bogus\n"));
  EXPECT_FALSE(parser.feed(format_envelope(minimal())));
  Envelope out;
  EXPECT_FALSE(parser.finish(out));
  EXPECT_EQ(parser.error().find("envelope line 1:"), 0U);
}

}  // namespace
}  // namespace smtpsend::queue
