// Date: and Message-ID: for messages that lack them. RFC 5322 §3.6 requires Date: and
// recommends Message-ID:; MTAs add them anyway, but a receiving MX may not, and some spam
// filters score their absence.
#include <cstdio>
#include <ctime>

#include "smtpsend/message/header_fold.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

// RFC 5322 §3.3 day-name and month-name are English tokens; strftime's %a/%b follow the locale.
constexpr const char* kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "Mon, 23 Nov 2026 22:13:00 +0000": local time with a numeric zone (§3.3; the obsolete
// alphabetic zones of §4.3 are ambiguous).
std::string rfc5322_date(std::chrono::system_clock::time_point now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  ::tzset();  // honour a TZ changed since the last call
  std::tm local{};
  ::localtime_r(&t, &local);
  const long offset_minutes = local.tm_gmtoff / 60;
  const long zone_abs = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
                kDayNames[local.tm_wday % 7], local.tm_mday, kMonthNames[local.tm_mon % 12],
                local.tm_year + 1900, local.tm_hour, local.tm_min, local.tm_sec,
                offset_minutes < 0 ? '-' : '+', zone_abs / 60, zone_abs % 60);
  return buf;
}

// id-left must be dot-atom-text (§3.6.4); whatever the caller's unique text holds, only atext
// and dots survive.
bool is_atext(char c) {
  const auto u = static_cast<unsigned char>(c);
  if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')) return true;
  for (const char* p = "!#$%&'*+-/=?^_`{|}~"; *p != '\0'; ++p) {
    if (c == *p) return true;
  }
  return false;
}

std::string id_text(std::string_view raw) {
  std::string out;
  for (char c : raw) {
    if (is_atext(c) || (c == '.' && !out.empty() && out.back() != '.')) out += c;
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

// The UTC timestamp keeps ids sortable whatever the zone.
std::string new_message_id(const CompletionContext& ctx) {
  const std::time_t t = std::chrono::system_clock::to_time_t(ctx.now);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%04d%02d%02d%02d%02d%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  std::string id = "<";
  id += stamp;
  const std::string unique = id_text(ctx.unique);
  if (!unique.empty()) id += "." + unique;
  const std::string host = id_text(ctx.fqdn);
  id += "@" + (host.empty() ? std::string("localhost") : host) + ">";
  return id;
}

void add_missing_headers(std::string& canonical, HeaderFacts& facts, const CompletionContext& ctx) {
  std::string added;
  if (!facts.has_date) {
    added += "Date: " + rfc5322_date(ctx.now) + "\r\n";
    facts.has_date = true;
  }
  if (!facts.has_message_id) {
    facts.message_id = new_message_id(ctx);
    added += "Message-ID: " + facts.message_id + "\r\n";
    facts.has_message_id = true;
  }
  if (added.empty()) return;
  if (!facts.has_header_section) {
    // RFC 5322 §2.1: the empty line separates the added header fields from the body.
    canonical.insert(0, added + "\r\n");
    facts.header_end = added.size();
    facts.has_header_section = true;
    return;
  }
  canonical.insert(0, added);
  facts.header_end += added.size();
}

// RFC 5322 §3.6 requires From:. Like Postfix's cleanup, msmtp and dma, smtpsend adds one to
// every message lacking it, naming the envelope sender (app/header_options.cpp).
void add_missing_from(std::string& canonical, HeaderFacts& facts, std::string_view address,
                      std::string_view display_name) {
  if (facts.has_from) return;
  // Folded like every field smtpsend writes: a long -F never makes a line over 998 octets.
  const std::string field = mailbox_field("From", display_name, address);
  canonical.insert(0, field);
  facts.header_end += field.size();
  facts.has_from = true;
  facts.from_address = std::string(address);
}

}  // namespace smtpsend::message
