// queue/bounce: the bounce rule (RFC 3461 §5.2, RFC 5321 §4.5.5) and the bounce message parsed
// back: RFC 6522 structure, RFC 3464 fields, 7-bit CRLF lines within 998 octets.
#include "smtpsend/queue/bounce.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace smtpsend::queue {
namespace {

TEST(ShouldBounce, AnOrdinarySenderWithoutNotifyGetsOne) {
  EXPECT_TRUE(should_bounce("alice@example.net", "", false));
}
TEST(ShouldBounce, NeverToTheNullSender) { EXPECT_FALSE(should_bounce("", "", false)); }
TEST(ShouldBounce, NeverForNotifyNever) {
  EXPECT_FALSE(should_bounce("alice@example.net", "NEVER", false));
}
TEST(ShouldBounce, NeverWhenNotifyLacksFailure) {
  EXPECT_FALSE(should_bounce("alice@example.net", "SUCCESS", false));
  EXPECT_FALSE(should_bounce("alice@example.net", "DELAY", false));
  EXPECT_FALSE(should_bounce("alice@example.net", "SUCCESS,DELAY", false));
}
TEST(ShouldBounce, WhenNotifyNamesFailureAnywhereAnyCase) {
  EXPECT_TRUE(should_bounce("alice@example.net", "FAILURE", false));
  EXPECT_TRUE(should_bounce("alice@example.net", "SUCCESS,FAILURE", false));
  EXPECT_TRUE(should_bounce("alice@example.net", "delay, failure", false));
}
TEST(ShouldBounce, NeverABounceOfABounce) {
  EXPECT_FALSE(should_bounce("alice@example.net", "", true));
  EXPECT_FALSE(should_bounce("alice@example.net", "FAILURE", true));
}

// A MIME entity split into its header fields (unfolded) and body.
struct Entity {
  std::multimap<std::string, std::string> fields;
  std::string body;
  std::string field(const std::string& name) const {
    const auto it = fields.find(name);
    return it == fields.end() ? std::string("<missing>") : it->second;
  }
};

Entity parse_entity(const std::string& text) {
  Entity e;
  const auto end = text.find("\r\n\r\n");
  const std::string head = text.substr(0, end == std::string::npos ? text.size() : end + 2);
  e.body = end == std::string::npos ? "" : text.substr(end + 4);
  std::string name, value;
  std::size_t pos = 0;
  auto flush = [&] {
    if (!name.empty()) e.fields.emplace(name, value);
    name.clear();
    value.clear();
  };
  while (pos < head.size()) {
    const auto eol = head.find("\r\n", pos);
    const std::string line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;  // RFC 5322 §2.2.3 unfolding: remove the CRLF only
      continue;
    }
    flush();
    const auto colon = line.find(':');
    name = line.substr(0, colon);
    value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  }
  flush();
  return e;
}

// The delivery-status body: groups of fields separated by empty lines (RFC 3464 §2.1).
std::vector<Entity> status_groups(const std::string& body) {
  std::vector<Entity> groups;
  std::size_t pos = 0;
  while (pos < body.size()) {
    auto end = body.find("\r\n\r\n", pos);
    std::string group = body.substr(pos, end == std::string::npos ? std::string::npos : end + 2 - pos);
    if (group.find_first_not_of("\r\n") != std::string::npos) {
      groups.push_back(parse_entity(group + "\r\n"));
    }
    if (end == std::string::npos) break;
    pos = end + 4;
  }
  return groups;
}

struct Parsed {
  Entity top;
  std::vector<Entity> parts;
};

Parsed parse_bounce(const std::string& bytes) {
  Parsed p;
  p.top = parse_entity(bytes);
  const std::string type = p.top.field("Content-Type");
  const auto b = type.find("boundary=\"");
  EXPECT_NE(b, std::string::npos) << type;
  const std::string boundary = type.substr(b + 10, type.find('"', b + 10) - b - 10);
  const std::string delimiter = "\r\n--" + boundary;
  std::size_t pos = p.top.body.find(delimiter);
  EXPECT_NE(pos, std::string::npos);
  while (pos != std::string::npos) {
    pos += delimiter.size();
    if (p.top.body.compare(pos, 2, "--") == 0) {
      EXPECT_EQ(p.top.body.substr(pos), "--\r\n");
      break;
    }
    EXPECT_EQ(p.top.body.compare(pos, 2, "\r\n"), 0);
    pos += 2;
    const auto next = p.top.body.find(delimiter, pos);
    p.parts.push_back(parse_entity(p.top.body.substr(pos, next - pos)));
    pos = next;
  }
  return p;
}

void expect_wire_safe(const std::string& bytes) {
  std::size_t line = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto u = static_cast<unsigned char>(bytes[i]);
    ASSERT_LT(u, 0x80) << "8-bit byte at " << i;
    if (bytes[i] == '\r') {
      ASSERT_TRUE(i + 1 < bytes.size() && bytes[i + 1] == '\n') << "bare CR at " << i;
      ASSERT_LE(line, 998u) << "line over 998 octets ending at " << i;
      line = 0;
      ++i;
      continue;
    }
    ASSERT_NE(bytes[i], '\n') << "bare LF at " << i;
    ASSERT_TRUE(u >= 0x20 || u == '\t') << "control byte " << int(u) << " at " << i;
    ++line;
  }
  ASSERT_EQ(line, 0u) << "the message does not end in CRLF";
}

const std::string kOriginal =
    "From: Alice <alice@example.net>\r\n"
    "To: bob@example.com, carol@example.org\r\n"
    "Subject: nightly report\r\n"
    "Message-ID: <orig.1@example.net>\r\n"
    "\r\n"
    "The body.\r\n";

BouncedRecipient refused() {
  BouncedRecipient r;
  r.address = "bob@example.com";
  r.orcpt = "rfc822;Bob@example.com";
  r.reply_code = 550;
  r.reply_enhanced = "5.1.1";
  r.reply_text = "User unknown";
  r.host = "mx1.example.com";
  r.last_attempt = 1796600000;
  return r;
}

BouncedRecipient expired() {
  BouncedRecipient r;
  r.address = "carol@example.org";
  r.reason = BounceReason::expired;
  r.reply_code = 450;
  r.reply_enhanced = "4.2.0";
  r.reply_text = "Greylisted";
  r.host = "mx.example.org";
  r.last_attempt = 1796603000;
  return r;
}

BounceInput input() {
  BounceInput in;
  in.reporting_fqdn = "client.example.net";
  in.to = "alice@example.net";
  in.message_id = "<20261207.abc@client.example.net>";
  in.now = 1796603621;   // Mon, 07 Dec 2026 00:33:41 +0000
  in.arrival = 1796170000;
  in.envid = "QQ314159";
  in.recipients = {refused(), expired()};
  in.original = kOriginal;
  return in;
}

TEST(ComposeBounce, TopLevelHeaderFields) {
  const std::string bytes = compose_bounce(input());
  expect_wire_safe(bytes);
  const Parsed p = parse_bounce(bytes);
  EXPECT_EQ(p.top.field("From"), "Mail Delivery System <MAILER-DAEMON@client.example.net>");
  EXPECT_EQ(p.top.field("To"), "alice@example.net");
  EXPECT_EQ(p.top.field("Subject"), "Undelivered Mail Returned to Sender");
  EXPECT_EQ(p.top.field("Auto-Submitted"), "auto-replied");
  EXPECT_EQ(p.top.field("Date"), "Mon, 07 Dec 2026 00:33:41 +0000");
  EXPECT_EQ(p.top.field("Message-ID"), "<20261207.abc@client.example.net>");
  EXPECT_EQ(p.top.field("MIME-Version"), "1.0");
  EXPECT_EQ(p.top.field("Content-Type").rfind("multipart/report; report-type=delivery-status;", 0),
            0u);
}

TEST(ComposeBounce, ThreePartsInRfc6522Order) {
  const Parsed p = parse_bounce(compose_bounce(input()));
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_EQ(p.parts[0].field("Content-Type"), "text/plain; charset=us-ascii");
  EXPECT_EQ(p.parts[1].field("Content-Type"), "message/delivery-status");
  EXPECT_EQ(p.parts[2].field("Content-Type"), "text/rfc822-headers");
  EXPECT_EQ(p.parts[2].field("Content-Transfer-Encoding"), "7bit");
}

TEST(ComposeBounce, HumanPartNamesEachRecipientReplyAndHost) {
  const std::string text = parse_bounce(compose_bounce(input())).parts[0].body;
  EXPECT_NE(text.find("<bob@example.com>: was refused: 550 5.1.1 User unknown (from\r\nmx1.example.com)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("<carol@example.org>"), std::string::npos);
  EXPECT_NE(text.find("450 4.2.0 Greylisted"), std::string::npos);
}

TEST(ComposeBounce, PerMessageFields) {
  const auto groups = status_groups(parse_bounce(compose_bounce(input())).parts[1].body);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].field("Reporting-MTA"), "dns; client.example.net");
  EXPECT_EQ(groups[0].field("Original-Envelope-Id"), "QQ314159");
  EXPECT_EQ(groups[0].field("Arrival-Date"), "Wed, 02 Dec 2026 00:06:40 +0000");
}

TEST(ComposeBounce, NoOriginalEnvelopeIdOrRecipientWhenNotGiven) {
  BounceInput in = input();
  in.envid.clear();
  in.recipients[0].orcpt.clear();
  const auto groups = status_groups(parse_bounce(compose_bounce(in)).parts[1].body);
  EXPECT_EQ(groups[0].fields.count("Original-Envelope-Id"), 0u);
  EXPECT_EQ(groups[1].fields.count("Original-Recipient"), 0u);
}

TEST(ComposeBounce, PerRecipientFieldsOfARefusal) {
  const auto groups = status_groups(parse_bounce(compose_bounce(input())).parts[1].body);
  const Entity& bob = groups[1];
  EXPECT_EQ(bob.field("Original-Recipient"), "rfc822;Bob@example.com");
  EXPECT_EQ(bob.field("Final-Recipient"), "rfc822; bob@example.com");
  EXPECT_EQ(bob.field("Action"), "failed");
  EXPECT_EQ(bob.field("Status"), "5.1.1");
  EXPECT_EQ(bob.field("Remote-MTA"), "dns; mx1.example.com");
  EXPECT_EQ(bob.field("Diagnostic-Code"), "smtp; 550 5.1.1 User unknown");
  EXPECT_EQ(bob.field("Last-Attempt-Date"), "Sun, 06 Dec 2026 23:33:20 +0000");
}

TEST(ComposeBounce, AnExpiredRecipientKeepsItsLast4xxStatusAndFails) {
  const auto groups = status_groups(parse_bounce(compose_bounce(input())).parts[1].body);
  const Entity& carol = groups[2];
  EXPECT_EQ(carol.field("Action"), "failed");
  EXPECT_EQ(carol.field("Status"), "4.2.0");
  EXPECT_EQ(carol.field("Diagnostic-Code"), "smtp; 450 4.2.0 Greylisted");
}

TEST(BounceStatus, Rules) {
  BouncedRecipient r = expired();
  r.reply_code = 0;
  r.reply_enhanced.clear();
  r.detail = "connection refused by all 2 addresses of 1 MX host of example.org";
  EXPECT_EQ(bounce_status(r), "4.4.7") << "expired with no reply: delivery time expired";
  r.reply_code = 451;
  EXPECT_EQ(bounce_status(r), "4.4.7") << "a reply without an enhanced code";
  BouncedRecipient f = refused();
  f.reply_enhanced.clear();
  EXPECT_EQ(bounce_status(f), "5.0.0");
  f.reply_enhanced = "4.1.1";  // a class that does not match the failure
  EXPECT_EQ(bounce_status(f), "5.0.0");
}

TEST(ComposeBounce, ADetailSentenceWhenNoServerReplied) {
  BounceInput in = input();
  in.recipients = {expired()};
  in.recipients[0].reply_code = 0;
  in.recipients[0].reply_enhanced.clear();
  in.recipients[0].reply_text.clear();
  in.recipients[0].host.clear();
  in.recipients[0].detail = "connection refused by all 2 addresses of 1 MX host of example.org";
  const Parsed p = parse_bounce(compose_bounce(in));
  const auto groups = status_groups(p.parts[1].body);
  EXPECT_EQ(groups[1].field("Status"), "4.4.7");
  EXPECT_EQ(groups[1].fields.count("Remote-MTA"), 0u);
  EXPECT_EQ(groups[1].field("Diagnostic-Code"),
            "X-Smtpsend; connection refused by all 2 addresses of 1 MX host of example.org");
  EXPECT_NE(p.parts[0].body.find("connection refused"), std::string::npos);
}

TEST(ComposeBounce, ControlBytesInTheReplyAreSanitised) {
  BounceInput in = input();
  in.recipients[0].reply_text = std::string("User\r\nunknown\x1b[31m\x07\x00 \xc3\xa9t\xc3\xa9", 26);
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  const auto groups = status_groups(parse_bounce(bytes).parts[1].body);
  EXPECT_EQ(groups[1].field("Diagnostic-Code"), "smtp; 550 5.1.1 User unknown?[31m?? ??t??");
}

TEST(ComposeBounce, AnOverLongReplyIsFoldedWithin998) {
  BounceInput in = input();
  in.recipients[0].reply_text = std::string(3000, 'x') + " tail";
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  const auto groups = status_groups(parse_bounce(bytes).parts[1].body);
  EXPECT_NE(groups[1].field("Diagnostic-Code").find("tail"), std::string::npos);
}

TEST(ComposeBounce, AnEightBitOriginalHeaderIsQuotedPrintable) {
  const std::string original = "From: alice@example.net\r\nSubject: caf\xc3\xa9\r\n\r\nbody\r\n";
  BounceInput in = input();
  in.original = original;
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  const Parsed p = parse_bounce(bytes);
  EXPECT_EQ(p.parts[2].field("Content-Type"), "text/rfc822-headers");
  EXPECT_EQ(p.parts[2].field("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_NE(p.parts[2].body.find("Subject: caf=C3=A9"), std::string::npos) << p.parts[2].body;
  EXPECT_EQ(p.parts[2].body.find("body"), std::string::npos) << "headers only";
}

TEST(ComposeBounce, AnOverLongOriginalHeaderLineIsQuotedPrintable) {
  const std::string original = "X-Long: " + std::string(2000, 'a') + "\r\nFrom: a@b.example\r\n\r\nx\r\n";
  BounceInput in = input();
  in.original = original;
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  EXPECT_EQ(parse_bounce(bytes).parts[2].field("Content-Transfer-Encoding"), "quoted-printable");
}

TEST(ComposeBounce, RetFullReturnsASmallSevenBitMessage) {
  BounceInput in = input();
  in.ret = smtp::DsnReturn::full;
  const Parsed p = parse_bounce(compose_bounce(in));
  EXPECT_EQ(p.parts[2].field("Content-Type"), "message/rfc822");
  EXPECT_EQ(p.parts[2].body, kOriginal);
}

TEST(ComposeBounce, RetFullOfALargeMessageReturnsItsHeaders) {
  const std::string big = kOriginal + std::string(kMaxReturnedMessage, 'b') + "\r\n";
  BounceInput in = input();
  in.ret = smtp::DsnReturn::full;
  in.original = big;
  const Parsed p = parse_bounce(compose_bounce(in));
  EXPECT_EQ(p.parts[2].field("Content-Type"), "text/rfc822-headers");
  EXPECT_EQ(p.parts[2].body.find("The body"), std::string::npos);
}

TEST(ComposeBounce, RetFullOfAHeldHeadOnlyReturnsItsHeaders) {
  // A large message is held as its head only: the head is never returned as the whole message.
  BounceInput in = input();
  in.ret = smtp::DsnReturn::full;
  in.original_is_whole = false;
  const Parsed p = parse_bounce(compose_bounce(in));
  EXPECT_EQ(p.parts[2].field("Content-Type"), "text/rfc822-headers");
  EXPECT_EQ(p.parts[2].body.find("The body"), std::string::npos);
}

TEST(ComposeBounce, RetFullOfAnEightBitMessageReturnsItsHeaders) {
  const std::string original = "From: a@b.example\r\n\r\ncaf\xc3\xa9\r\n";
  BounceInput in = input();
  in.ret = smtp::DsnReturn::full;
  in.original = original;
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  EXPECT_EQ(parse_bounce(bytes).parts[2].field("Content-Type"), "text/rfc822-headers");
}

TEST(ComposeBounce, TheBoundaryIsNotInTheReturnedMessage) {
  const std::string first = compose_bounce(input());
  const Entity top = parse_entity(first);
  const std::string type = top.field("Content-Type");
  const auto b = type.find("boundary=\"") + 10;
  const std::string boundary = type.substr(b, type.find('"', b) - b);
  const std::string original = "From: a@b.example\r\nX-Trap: --" + boundary + "\r\n\r\nx\r\n";
  BounceInput in = input();
  in.original = original;
  const Parsed p = parse_bounce(compose_bounce(in));
  ASSERT_EQ(p.parts.size(), 3u);
  EXPECT_NE(p.parts[2].body.find("X-Trap: --" + boundary), std::string::npos);
}

TEST(ComposeBounce, AnInternationalisedRecipientStaysSevenBit) {
  BounceInput in = input();
  in.recipients[0].address = "j\xc3\xb6rg@example.com";
  const std::string bytes = compose_bounce(in);
  expect_wire_safe(bytes);
  const auto groups = status_groups(parse_bounce(bytes).parts[1].body);
  EXPECT_EQ(groups[1].field("Final-Recipient"), "utf-8; j\\x{C3}\\x{B6}rg@example.com");
}

}  // namespace
}  // namespace smtpsend::queue
