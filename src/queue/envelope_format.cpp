// The envelope file's text (queue/envelope.hpp): one `key value` per line, values escaped so
// that a line never holds a space, a control byte or a byte the parser would have to guess at.
#include <string>
#include <string_view>

#include "envelope_parameters_lines.hpp"
#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

void line(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  if (!value.empty()) {
    out += ' ';
    out += percent_escape(value);
  }
  out += '\n';
}

void number_line(std::string& out, std::string_view key, long long value) {
  line(out, key, std::to_string(value));
}

void flag_line(std::string& out, std::string_view key, bool value) {
  line(out, key, value ? "yes" : "no");
}

void optional_line(std::string& out, std::string_view key, std::string_view value) {
  if (!value.empty()) line(out, key, value);
}

void format_route(std::string& out, const Route& route) {
  line(out, "route", route.relay ? "relay" : "direct");
  if (route.relay) {
    line(out, "relay-host", route.relay_host);
    number_line(out, "relay-port", route.relay_port);
    flag_line(out, "smtps", route.implicit_tls);
  }
  if (route.tls) line(out, "tls", smtp::to_string(*route.tls));
  optional_line(out, "user", route.user);
  optional_line(out, "account", route.account);
  optional_line(out, "auth-mechanism", route.auth_mechanism);
  optional_line(out, "config-file", route.config_file);
}

void format_recipient(std::string& out, const RecipientState& r) {
  line(out, "recipient", r.address);
  optional_line(out, "orcpt", r.orcpt);
  optional_line(out, "notify", r.notify);
  line(out, "status", to_string(r.status));
  number_line(out, "attempts", r.attempts);
  if (r.last_reply.code != 0) number_line(out, "reply-code", r.last_reply.code);
  optional_line(out, "reply-enhanced", r.last_reply.enhanced);
  optional_line(out, "reply-text", std::string_view(r.last_reply.text).substr(0, kMaxStoredReplyText));
  optional_line(out, "host", r.host);
  optional_line(out, "ip", r.ip);
  number_line(out, "next-try", r.next_try);
  flag_line(out, "may-duplicate", r.may_duplicate);
}

}  // namespace

std::string percent_escape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7e || c == '%') {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view to_string(RecipientStatus status) noexcept {
  switch (status) {
    case RecipientStatus::pending: return "pending";
    case RecipientStatus::in_flight: return "in_flight";
    case RecipientStatus::delivered: return "delivered";
    case RecipientStatus::failed: return "failed";
    case RecipientStatus::expired: return "expired";
  }
  return "pending";
}

std::optional<RecipientStatus> recipient_status_from_string(std::string_view text) noexcept {
  for (const RecipientStatus s :
       {RecipientStatus::pending, RecipientStatus::in_flight, RecipientStatus::delivered,
        RecipientStatus::failed, RecipientStatus::expired}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string format_envelope(const Envelope& e) {
  std::string out;
  out += kEnvelopeVersionLine;
  out += '\n';
  line(out, "id", e.id);
  number_line(out, "arrival", e.arrival);
  line(out, "size", std::to_string(e.size));
  optional_line(out, "message-id", e.message_id);
  line(out, "sender", e.sender);
  flag_line(out, "bounce", e.bounce);
  format_parameters(out, e.parameters);
  flag_line(out, "smtputf8", e.smtputf8);
  line(out, "body", e.eight_bit ? "8bitmime" : "7bit");
  optional_line(out, "seven-bit-error", e.seven_bit_error);
  format_route(out, e.route);
  for (const RecipientState& r : e.recipients) format_recipient(out, r);
  out += "end\n";
  return out;
}

}  // namespace smtpsend::queue
