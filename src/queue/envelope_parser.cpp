// Reading the envelope file back (queue/envelope.hpp). The file is ours, but it lives on disk
// for days: a crash, a full disk or a hand edit can leave anything in it, so every byte is
// checked, memory is bounded, and a file cut anywhere is an error rather than an entry with
// fewer recipients (the `end` line).
#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include "entry_id.hpp"
#include "envelope_parameters_lines.hpp"
#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// %XX decoding; a raw byte outside "!".."~" or a broken escape is an error.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto byte = static_cast<unsigned char>(in[i]);
    if (byte < 0x21 || byte > 0x7e) return false;
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (in.size() - i < 3) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

template <typename Int>
bool parse_number(std::string_view text, Int min, Int max, Int& out) {
  if (text.empty() || text.size() > 20) return false;
  if (text.size() > 1 && text[0] == '0') return false;  // one spelling per number
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  if (value < min || value > max) return false;
  out = value;
  return true;
}

bool parse_flag(std::string_view text, bool& out) {
  if (text == "yes") return out = true, true;
  if (text == "no") return out = false, true;
  return false;
}

bool valid_key(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;  // far beyond any clock, far from overflow

}  // namespace

bool EnvelopeParser::fail(std::string sentence) {
  if (!failed_) {
    failed_ = true;
    error_ = "envelope line " + std::to_string(line_number_) + ": " + std::move(sentence);
  }
  return false;
}

bool EnvelopeParser::feed(std::string_view bytes) {
  if (failed_) return false;
  total_ += bytes.size();
  if (total_ > kMaxEnvelopeBytes) {
    return fail("the file is over " + std::to_string(kMaxEnvelopeBytes) + " bytes");
  }
  while (!bytes.empty()) {
    const std::size_t lf = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, lf);
    if (line_.size() + piece.size() > kMaxEnvelopeLine) {
      ++line_number_;
      return fail("line over " + std::to_string(kMaxEnvelopeLine) + " bytes");
    }
    if (lf == std::string_view::npos) {
      line_ += piece;
      return true;
    }
    ++line_number_;
    bool ok = false;
    if (line_.empty()) {
      ok = take_line(piece);
    } else {
      line_ += piece;
      ok = take_line(line_);
      line_.clear();
    }
    if (!ok) return false;
    bytes.remove_prefix(lf + 1);
  }
  return true;
}

bool EnvelopeParser::take_line(std::string_view text) {
  switch (part_) {
    case Part::version:
      if (text != kEnvelopeVersionLine) {
        return fail("not a smtpsend queue envelope (expected \"" +
                    std::string(kEnvelopeVersionLine) + "\")");
      }
      part_ = Part::header;
      return true;
    case Part::ended:
      return fail("text after the \"end\" line");
    case Part::header:
    case Part::recipients:
      break;
  }
  const std::size_t space = text.find(' ');
  const std::string_view key = text.substr(0, space);
  if (!valid_key(key)) return fail("malformed key");
  std::string value;
  if (space != std::string_view::npos) {
    const std::string_view raw = text.substr(space + 1);
    if (raw.empty() || !percent_decode(raw, value)) return fail("malformed value of " + std::string(key));
  }
  if (key == "end" || key == "recipient") {
    if (!check_section_complete()) return false;
    seen_.clear();
    if (key == "end") {
      if (space != std::string_view::npos) return fail("\"end\" takes no value");
      if (envelope_.recipients.empty()) return fail("no recipient");
      part_ = Part::ended;
      return true;
    }
    if (envelope_.recipients.size() >= kMaxEnvelopeRecipients) {
      return fail("more than " + std::to_string(kMaxEnvelopeRecipients) + " recipients");
    }
    if (value.empty()) return fail("empty recipient address");
    part_ = Part::recipients;
    envelope_.recipients.emplace_back().address = std::move(value);
    seen_.emplace_back("recipient");
    return true;
  }
  if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) {
    return fail("\"" + std::string(key) + "\" twice");
  }
  seen_.emplace_back(key);
  return part_ == Part::header ? take_header_key(key, std::move(value))
                               : take_recipient_key(key, std::move(value));
}

bool EnvelopeParser::take_header_key(std::string_view key, std::string&& value) {
  Envelope& e = envelope_;
  switch (take_parameter(key, value, e.parameters)) {
    case ParameterLine::taken: return true;
    case ParameterLine::malformed: return fail("malformed value of " + std::string(key));
    case ParameterLine::not_a_parameter: break;
  }
  Route& route = e.route;
  bool ok = true;
  if (key == "id") {
    ok = valid_entry_id(value);
    e.id = std::move(value);
  } else if (key == "arrival") {
    ok = parse_number<std::int64_t>(value, 0, kMaxTime, e.arrival);
  } else if (key == "size") {
    ok = parse_number<std::uint64_t>(value, 0, std::numeric_limits<std::int64_t>::max(), e.size);
  } else if (key == "message-id") {
    e.message_id = std::move(value);
  } else if (key == "sender") {
    e.sender = std::move(value);
  } else if (key == "bounce") {
    ok = parse_flag(value, e.bounce);
  } else if (key == "smtputf8") {
    ok = parse_flag(value, e.smtputf8);
  } else if (key == "body") {
    ok = value == "8bitmime" || value == "7bit";
    e.eight_bit = value == "8bitmime";
  } else if (key == "seven-bit-error") {
    e.seven_bit_error = std::move(value);
  } else if (key == "route") {
    ok = value == "relay" || value == "direct";
    route.relay = value == "relay";
  } else if (key == "relay-host") {
    ok = !value.empty();
    route.relay_host = std::move(value);
  } else if (key == "relay-port") {
    ok = parse_number<std::uint16_t>(value, 1, 65535, route.relay_port);
  } else if (key == "smtps") {
    ok = parse_flag(value, route.implicit_tls);
  } else if (key == "tls") {
    route.tls = smtp::tls_policy_from_string(value);
    ok = route.tls.has_value();
  } else if (key == "user") {
    route.user = std::move(value);
  } else if (key == "account") {
    route.account = std::move(value);
  } else if (key == "auth-mechanism") {
    route.auth_mechanism = std::move(value);
  } else if (key == "config-file") {
    route.config_file = std::move(value);
  } else {
    return fail("unknown key \"" + std::string(key) + "\"");
  }
  return ok || fail("malformed value of " + std::string(key));
}

bool EnvelopeParser::take_recipient_key(std::string_view key, std::string&& value) {
  RecipientState& r = envelope_.recipients.back();
  bool ok = true;
  if (key == "orcpt") {
    r.orcpt = std::move(value);
  } else if (key == "notify") {
    r.notify = std::move(value);
  } else if (key == "status") {
    const auto status = recipient_status_from_string(value);
    ok = status.has_value();
    if (ok) r.status = *status;
  } else if (key == "attempts") {
    ok = parse_number<unsigned>(value, 0, 1'000'000, r.attempts);
  } else if (key == "reply-code") {
    ok = parse_number<int>(value, 1, 999, r.last_reply.code);
  } else if (key == "reply-enhanced") {
    r.last_reply.enhanced = std::move(value);
  } else if (key == "reply-text") {
    ok = value.size() <= kMaxStoredReplyText;
    r.last_reply.text = std::move(value);
  } else if (key == "host") {
    r.host = std::move(value);
  } else if (key == "ip") {
    r.ip = std::move(value);
  } else if (key == "next-try") {
    ok = parse_number<std::int64_t>(value, 0, kMaxTime, r.next_try);
  } else if (key == "may-duplicate") {
    ok = parse_flag(value, r.may_duplicate);
  } else {
    return fail("unknown key \"" + std::string(key) + "\" in a recipient");
  }
  return ok || fail("malformed value of " + std::string(key));
}

bool EnvelopeParser::check_section_complete() {
  auto missing = [&](std::initializer_list<std::string_view> keys) -> std::string_view {
    for (const std::string_view key : keys) {
      if (std::find(seen_.begin(), seen_.end(), key) == seen_.end()) return key;
    }
    return {};
  };
  std::string_view absent;
  if (part_ == Part::header) {
    absent = missing({"id", "arrival", "size", "sender", "bounce", "smtputf8", "body", "route"});
    if (absent.empty() && envelope_.route.relay) absent = missing({"relay-host", "relay-port", "smtps"});
    if (absent.empty() && !envelope_.route.relay) {
      for (const std::string_view key : {"relay-host", "relay-port", "smtps"}) {
        if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) {
          return fail("\"" + std::string(key) + "\" with a direct route");
        }
      }
    }
  } else {
    absent = missing({"status", "attempts", "next-try", "may-duplicate"});
  }
  if (!absent.empty()) {
    return fail("\"" + std::string(absent) + "\" missing" +
                (part_ == Part::recipients ? " for recipient " + envelope_.recipients.back().address
                                           : std::string()));
  }
  return true;
}

bool EnvelopeParser::finish(Envelope& out) {
  if (failed_) return false;
  if (part_ != Part::ended || !line_.empty()) {
    ++line_number_;
    return fail("the file ends before its \"end\" line (truncated)");
  }
  out = std::move(envelope_);
  envelope_ = {};
  return true;
}

bool parse_envelope(std::string_view text, Envelope& out, std::string& error) {
  EnvelopeParser parser;
  if (parser.feed(text) && parser.finish(out)) return true;
  error = parser.error();
  return false;
}

}  // namespace smtpsend::queue
