// queue/bounce: see include/smtpsend/queue/bounce.hpp. The layout follows RFC 6522 §3 (a
// human-readable part, then the machine-readable message/delivery-status of RFC 3464 §2, then
// the returned content) and what Postfix's bounce(8) writes, so that mail clients and list
// software that parse bounces read ours.
#include "smtpsend/queue/bounce.hpp"

#include <cstdio>
#include <ctime>

#include "smtpsend/message/header_fold.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::queue {
namespace {

constexpr const char* kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// A run without white space longer than this is broken, so a folded field stays within 998
// octets (RFC 5322 §2.1.1) whatever a server sent.
constexpr std::size_t kMaxWord = 900;

// RFC 5322 §3.3 in UTC: the bounce is made from stored Unix seconds, not the local clock, and a
// numeric zone is never ambiguous.
std::string utc_date(std::int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDayNames[utc.tm_wday % 7],
                utc.tm_mday, kMonthNames[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour,
                utc.tm_min, utc.tm_sec);
  return buf;
}

// Server and stored text in a 7-bit message (DESIGN.md rule 10): control bytes and bytes that
// are not ASCII become '?', white space runs one space, over-long words broken.
std::string printable_text(std::string_view raw) {
  std::string out;
  std::size_t word = 0;
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      word = 0;
      continue;
    }
    if (word == kMaxWord) {
      out += ' ';
      word = 0;
    }
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
    ++word;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void add_field(std::string& out, std::string_view name, std::string_view value) {
  // printable_text() keeps every word within kMaxWord, so folding always succeeds.
  out += message::fold_field(name, printable_text(value)).value_or(std::string(name) + ":\r\n");
}

bool is_printable_ascii(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return false;
  }
  return true;
}

// RFC 3464 §2.3.2 address-type "rfc822" for an ASCII address; RFC 6533 §3 "utf-8" with
// \x{HEX} escapes (utf-8-addr-unitext) for an internationalised one, keeping the report 7-bit.
std::string final_recipient(std::string_view address) {
  if (is_printable_ascii(address)) return "rfc822; " + std::string(address);
  std::string out = "utf-8; ";
  char hex[16];
  for (const char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      std::snprintf(hex, sizeof hex, "\\x{%02X}", u);
      out += hex;
    }
  }
  return out;
}

std::string diagnostic_code(const BouncedRecipient& r) {
  if (r.reply_code == 0) return {};
  std::string text = std::to_string(r.reply_code);
  if (!r.reply_enhanced.empty()) text += " " + r.reply_enhanced;
  if (!r.reply_text.empty()) text += " " + r.reply_text;
  return "smtp; " + text;
}

bool starts_with_class(std::string_view enhanced, char cls) {
  return enhanced.size() >= 5 && enhanced[0] == cls && enhanced[1] == '.';
}

std::string header_section(std::string_view original) {
  const auto end = original.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::string(original);
  return std::string(original.substr(0, end + 2));
}

std::string with_final_crlf(std::string text) {
  if (text.size() < 2 || text.compare(text.size() - 2, 2, "\r\n") != 0) text += "\r\n";
  return text;
}

// RFC 2046 §5.1.1: the boundary must not occur in any part. It is made from the bounce's
// Message-ID (unique already) and lengthened until no part holds it.
std::string make_boundary(const BounceInput& input, std::string_view parts) {
  std::string base = "=_bounce_";
  for (const char c : input.message_id) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) base += c;
    if (base.size() >= 60) break;
  }
  std::string boundary = base;
  for (int n = 0; parts.find("--" + boundary) != std::string_view::npos ||
                  input.original.find("--" + boundary) != std::string_view::npos;
       ++n) {
    boundary = base + "_" + std::to_string(n);
  }
  return boundary;
}

std::string reason_words(const BouncedRecipient& r) {
  return r.reason == BounceReason::expired ? "could not be delivered in time; the last attempt said"
                                           : "was refused";
}

// RFC 6522 §3 first part: for a person, in plain ASCII.
std::string human_part(const BounceInput& input) {
  std::string text =
      "This is the mail system at host " + printable_text(input.reporting_fqdn) +
      ".\r\n\r\nYour message could not be delivered to one or more recipients.\r\n"
      "The details are below; the original message's header is attached.\r\n";
  for (const BouncedRecipient& r : input.recipients) {
    std::string line = "<" + r.address + ">: " + reason_words(r) + ": ";
    if (r.reply_code != 0) {
      line += std::to_string(r.reply_code) + " " +
              (r.reply_enhanced.empty() ? std::string("-") : r.reply_enhanced) + " " + r.reply_text;
    } else {
      line += r.detail.empty() ? std::string("no reply") : r.detail;
    }
    if (!r.host.empty()) line += " (from " + r.host + ")";
    text += "\r\n" + printable_text(line) + "\r\n";
  }
  // Plain text, not a header: one line per recipient, broken at kFoldWidth like a field.
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto eol = text.find("\r\n", start);
    std::string_view line(text.data() + start, eol - start);
    while (line.size() > message::kFoldWidth) {
      auto cut = line.rfind(' ', message::kFoldWidth);
      if (cut == std::string_view::npos || cut == 0) cut = message::kFoldWidth;
      out += std::string(line.substr(0, cut)) + "\r\n";
      line.remove_prefix(cut);
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    }
    out += std::string(line) + "\r\n";
    start = eol + 2;
  }
  return out;
}

// RFC 3464 §2.2 per-message fields, then §2.3 per-recipient fields, each group after an empty
// line.
std::string status_part(const BounceInput& input) {
  std::string out;
  add_field(out, "Reporting-MTA", "dns; " + input.reporting_fqdn);
  if (!input.envid.empty()) add_field(out, "Original-Envelope-Id", input.envid);
  if (input.arrival != 0) add_field(out, "Arrival-Date", utc_date(input.arrival));
  for (const BouncedRecipient& r : input.recipients) {
    out += "\r\n";
    if (!r.orcpt.empty()) add_field(out, "Original-Recipient", r.orcpt);
    add_field(out, "Final-Recipient", final_recipient(r.address));
    add_field(out, "Action", "failed");
    add_field(out, "Status", bounce_status(r));
    if (!r.host.empty()) add_field(out, "Remote-MTA", "dns; " + r.host);
    if (const std::string code = diagnostic_code(r); !code.empty()) {
      add_field(out, "Diagnostic-Code", code);
    } else if (!r.detail.empty()) {
      add_field(out, "Diagnostic-Code", "X-Smtpsend; " + r.detail);
    }
    if (r.last_attempt != 0) add_field(out, "Last-Attempt-Date", utc_date(r.last_attempt));
  }
  return out;
}

bool is_seven_bit_message(std::string_view text) { return !message::needs_transfer_encoding(text); }

struct Returned {
  std::string content_type;
  std::string transfer_encoding;
  std::string body;
};

// RET=FULL returns the message (message/rfc822, which RFC 2046 §5.2.1 allows only in 7bit,
// 8bit or binary) when it is small and already 7-bit; otherwise, and by default (RET=HDRS), the
// header section as text/rfc822-headers (RFC 6522 §4), quoted-printable when a line is 8-bit
// or over 998 octets so that the bounce itself stays 7-bit.
Returned returned_content(const BounceInput& input) {
  const bool full = input.ret == smtp::DsnReturn::full && input.original_is_whole &&
                    input.original.size() <= kMaxReturnedMessage &&
                    is_seven_bit_message(input.original);
  if (full) return {"message/rfc822", "7bit", with_final_crlf(std::string(input.original))};
  std::string headers = header_section(input.original);
  if (is_seven_bit_message(headers)) {
    return {"text/rfc822-headers", "7bit", with_final_crlf(std::move(headers))};
  }
  return {"text/rfc822-headers", "quoted-printable",
          with_final_crlf(message::quoted_printable(headers))};
}

}  // namespace

bool should_bounce(std::string_view envelope_sender, std::string_view notify, bool is_bounce) {
  // RFC 5321 §4.5.5 / §6.1: a message with the null reverse-path gets no notification, and a
  // bounce (sent with the null sender) is never bounced, even if a later hop rewrote it.
  if (envelope_sender.empty() || is_bounce) return false;
  // RFC 3461 §4.1 / §5.2.1: without NOTIFY failures are reported; with it, only when FAILURE is
  // one of its keywords (NEVER excludes the others).
  if (notify.empty()) return true;
  std::size_t start = 0;
  while (start <= notify.size()) {
    auto comma = notify.find(',', start);
    if (comma == std::string_view::npos) comma = notify.size();
    std::string keyword;
    for (const char c : notify.substr(start, comma - start)) {
      if (c != ' ') keyword += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    if (keyword == "FAILURE") return true;
    start = comma + 1;
  }
  return false;
}

std::string bounce_status(const BouncedRecipient& r) {
  if (r.reason == BounceReason::expired) {
    return starts_with_class(r.reply_enhanced, '4') ? r.reply_enhanced : "4.4.7";
  }
  if (starts_with_class(r.reply_enhanced, '5')) return r.reply_enhanced;
  return "5.0.0";
}

std::string compose_bounce(const BounceInput& input) {
  const std::string human = human_part(input);
  const std::string status = status_part(input);
  const Returned returned = returned_content(input);
  const std::string boundary = make_boundary(input, human + status + returned.body);

  std::string out;
  out += message::mailbox_field("From", "Mail Delivery System",
                                "MAILER-DAEMON@" + printable_text(input.reporting_fqdn));
  add_field(out, "To", input.to);
  out += message::text_field("Subject", "Undelivered Mail Returned to Sender");
  add_field(out, "Date", utc_date(input.now));
  add_field(out, "Message-ID", input.message_id);
  // RFC 3834 §5: an automatic response, so vacation programs and list software do not answer.
  add_field(out, "Auto-Submitted", "auto-replied");
  add_field(out, "MIME-Version", "1.0");
  add_field(out, "Content-Type",
            "multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"");
  out += "\r\n";
  out += "This is a MIME-encapsulated message.\r\n";

  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Description: Notification\r\n";
  out += "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
  out += human;

  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Description: Delivery report\r\n";
  out += "Content-Type: message/delivery-status\r\n\r\n";
  out += status;

  out += "\r\n--" + boundary + "\r\n";
  out += returned.content_type == "message/rfc822" ? "Content-Description: Undelivered Message\r\n"
                                                   : "Content-Description: Undelivered Message Headers\r\n";
  out += "Content-Type: " + returned.content_type + "\r\n";
  out += "Content-Transfer-Encoding: " + returned.transfer_encoding + "\r\n\r\n";
  out += returned.body;

  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace smtpsend::queue
