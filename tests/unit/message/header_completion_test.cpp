#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

using std::chrono::system_clock;

// Sets TZ for one test and restores the previous value, so tests do not leak a zone.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_.empty()) {
      ::unsetenv("TZ");
    } else {
      ::setenv("TZ", old_.c_str(), 1);
    }
    ::tzset();
  }

 private:
  std::string old_;
};

// 2026-11-23 22:13:00 UTC, a Monday.
system_clock::time_point fixed_now() {
  return system_clock::from_time_t(1795471980);
}

CompletionContext fixed_context() {
  return {"host.example.org", fixed_now(), "4f2a9c"};
}

bool scan(const std::string& content, HeaderFacts& facts) {
  LoadError error;
  return scan_headers(content, facts, error);
}

TEST(AddMissingHeaders, AddsDateAndMessageIdWithExactBytes) {
  ScopedTimeZone tz("UTC");
  std::string content = "From: a@example.com\r\n\r\nbody\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_headers(content, facts, fixed_context());
  EXPECT_EQ(content,
            "Date: Mon, 23 Nov 2026 22:13:00 +0000\r\n"
            "Message-ID: <20261123221300.4f2a9c@host.example.org>\r\n"
            "From: a@example.com\r\n\r\nbody\r\n");
  EXPECT_TRUE(facts.has_date);
  EXPECT_TRUE(facts.has_message_id);
  EXPECT_EQ(facts.message_id, "<20261123221300.4f2a9c@host.example.org>");
  EXPECT_EQ(content.substr(facts.header_end), "\r\nbody\r\n");

  HeaderFacts rescanned;
  ASSERT_TRUE(scan(content, rescanned));
  EXPECT_EQ(rescanned.header_end, facts.header_end);
  EXPECT_EQ(rescanned.message_id, facts.message_id);
  EXPECT_EQ(rescanned.from_address, "a@example.com");
}

TEST(AddMissingHeaders, DateUsesLocalTimeWithNumericZone) {
  ScopedTimeZone tz("<-05>5");  // POSIX form: no tzdata needed
  std::string content = "Subject: x\r\n\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  facts.has_message_id = true;
  add_missing_headers(content, facts, fixed_context());
  EXPECT_EQ(content, "Date: Mon, 23 Nov 2026 17:13:00 -0500\r\nSubject: x\r\n\r\n");
}

TEST(AddMissingHeaders, HalfHourZoneAndDayChange) {
  ScopedTimeZone tz("<+0530>-5:30");
  std::string content = "Subject: x\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  facts.has_message_id = true;
  add_missing_headers(content, facts, fixed_context());
  EXPECT_EQ(content, "Date: Tue, 24 Nov 2026 03:43:00 +0530\r\nSubject: x\r\n");
  EXPECT_EQ(facts.header_end, content.size());
}

TEST(AddMissingHeaders, EnglishNamesAndTwoDigitDayWhateverTheLocale) {
  ScopedTimeZone tz("UTC");
  const char* old = std::setlocale(LC_TIME, nullptr);
  const std::string saved = old != nullptr ? old : "C";
  std::setlocale(LC_TIME, "de_DE.UTF-8");  // may be absent; the output must not care either way
  std::string content = "Subject: x\r\n\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  facts.has_message_id = true;
  add_missing_headers(content, facts, {"h", fixed_now() + std::chrono::hours(24 * 40), ""});
  std::setlocale(LC_TIME, saved.c_str());
  EXPECT_EQ(content, "Date: Sat, 02 Jan 2027 22:13:00 +0000\r\nSubject: x\r\n\r\n");
}

TEST(AddMissingHeaders, KeepsExistingHeaders) {
  std::string content = "Date: Sun, 1 Nov 2026 00:00:00 +0100\r\nMessage-ID: <x@y>\r\n\r\n";
  const std::string before = content;
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  const HeaderFacts scanned = facts;
  add_missing_headers(content, facts, fixed_context());
  EXPECT_EQ(content, before);
  EXPECT_EQ(facts.header_end, scanned.header_end);
  EXPECT_EQ(facts.message_id, "<x@y>");
}

TEST(AddMissingHeaders, AddsOnlyMessageIdWhenDateExists) {
  ScopedTimeZone tz("UTC");
  std::string content = "Date: Sun, 1 Nov 2026 00:00:00 +0100\r\n\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_headers(content, facts, fixed_context());
  EXPECT_EQ(content,
            "Message-ID: <20261123221300.4f2a9c@host.example.org>\r\n"
            "Date: Sun, 1 Nov 2026 00:00:00 +0100\r\n\r\n");
  EXPECT_EQ(facts.header_end, content.size() - 2);
}

// The unique text and host name end up inside msg-id (RFC 5322 §3.6.4): only dot-atom-text.
TEST(AddMissingHeaders, MessageIdStaysDotAtomText) {
  ScopedTimeZone tz("UTC");
  std::string content = "Subject: x\r\n\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  facts.has_date = true;
  add_missing_headers(content, facts, {"", fixed_now(), "a b<>@\r\n..c"});
  EXPECT_EQ(facts.message_id, "<20261123221300.ab.c@localhost>");
}

// ---- -F on a message sent as it is (add_missing_from) ----

// RFC 2047 "B" encoded-words back to UTF-8, written apart from the encoder.
std::string decode_words(std::string_view text) {
  std::string out;
  for (std::size_t at = 0; (at = text.find("=?UTF-8?B?", at)) != std::string_view::npos;) {
    const std::size_t end = text.find("?=", at + 10);
    const std::string_view b64 = text.substr(at + 10, end - at - 10);
    std::string bytes(b64.size() / 4 * 3, '\0');
    EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                    reinterpret_cast<const unsigned char*>(b64.data()),
                    static_cast<int>(b64.size()));
    bytes.resize(bytes.size() - (b64.ends_with("==") ? 2 : b64.ends_with('=') ? 1 : 0));
    out += bytes;
    at = end + 2;
  }
  return out;
}

// The header section of `content` after -F: every line within `limit` octets, scanned again
// without error, and the added From: read back as a mailbox.
Mailbox added_from(const std::string& content, std::size_t limit) {
  const std::string head = content.substr(0, content.find("\r\n\r\n") + 2);
  for (std::size_t at = 0; at < head.size();) {
    const std::size_t end = head.find("\r\n", at);
    EXPECT_LE(end - at, limit) << head.substr(at, 60);
    at = end + 2;
  }
  HeaderFacts rescanned;
  EXPECT_TRUE(scan(content, rescanned));
  HeaderParser parser;
  parser.feed(content);
  EXPECT_EQ(parser.finish(), HeaderParseStatus::done);
  std::vector<Mailbox> from;
  std::string why;
  for (const HeaderField& field : parser.fields()) {
    if (field.name != "From") continue;
    EXPECT_TRUE(parse_address_list(field.unfolded_body(), from, why)) << why;
  }
  EXPECT_EQ(from.size(), 1u);
  return from.empty() ? Mailbox{} : from[0];
}

TEST(AddMissingFrom, AddsFromWithTheNameAtTheTop) {
  std::string content = "Subject: as is\r\n\r\nhi\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_from(content, facts, "sender@client.test", "Cron Daemon");
  EXPECT_EQ(content, "From: Cron Daemon <sender@client.test>\r\nSubject: as is\r\n\r\nhi\r\n");
  EXPECT_EQ(content.substr(facts.header_end), "\r\nhi\r\n");
  EXPECT_EQ(facts.from_address, "sender@client.test");
}

TEST(AddMissingFrom, LongNameIsFoldedAndReadsBack) {
  std::string name;
  while (name.size() < 1200) name += "Name" + std::to_string(name.size()) + " ";
  name += "End";
  std::string content = "Subject: as is\r\n\r\nhi\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_from(content, facts, "sender@client.test", name);
  const Mailbox from = added_from(content, 76);
  EXPECT_EQ(from.display_name, name);
  EXPECT_EQ(from.address, "sender@client.test");
  EXPECT_EQ(content.substr(facts.header_end), "\r\nhi\r\n");
}

// A name of one 1200-octet word cannot be folded as it is: encoded-words can (RFC 2047 §5(3)).
TEST(AddMissingFrom, UnfoldableNameBecomesEncodedWords) {
  const std::string name(1200, 'n');
  std::string content = "Subject: as is\r\n\r\nhi\r\n";
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_from(content, facts, "sender@client.test", name);
  const Mailbox from = added_from(content, 76);
  EXPECT_EQ(decode_words(from.display_name), name);
  EXPECT_EQ(from.address, "sender@client.test");
}

TEST(AddMissingFrom, KeepsAnExistingFrom) {
  std::string content = "From: a@example.com\r\n\r\nhi\r\n";
  const std::string before = content;
  HeaderFacts facts;
  ASSERT_TRUE(scan(content, facts));
  add_missing_from(content, facts, "sender@client.test", "Name");
  EXPECT_EQ(content, before);
}

}  // namespace
}  // namespace smtpsend::message
