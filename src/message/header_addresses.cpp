// Postfix's cleanup appends @myorigin to every bare address in the address headers
// (append_at_myorigin, applied to all of them, Resent- included: cleanup_rewrite.c); cron's
// "From: root (Cron Daemon)" and "To: root" would otherwise reach a remote reader as
// unreplyable local names.
#include "smtpsend/message/header_addresses.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/header_parser.hpp"

namespace smtpsend::message {
namespace {

// RFC 5322 §3.6.2, §3.6.3, §3.6.6.
constexpr std::array<std::string_view, 11> kQualifiedFields{
    "From",        "Sender",        "Reply-To",  "To",        "Cc",        "Bcc",
    "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc"};

bool is_qualified_field(std::string_view name) {
  return std::any_of(kQualifiedFields.begin(), kQualifiedFields.end(),
                     [&](std::string_view known) { return same_field_name(name, known); });
}

// The offset in `field` just past the unfolded body's first `count` octets (§2.2.3 unfolding
// removes only the CR and LF of each fold, so the other bytes map one to one).
std::size_t raw_offset(std::string_view field, std::size_t body_start, std::size_t count) {
  std::size_t seen = 0;
  for (std::size_t i = body_start; i < field.size(); ++i) {
    if (field[i] == '\r' || field[i] == '\n') continue;
    if (++seen == count) return i + 1;
  }
  return field.size();
}

// RFC 5322 §2.1.1: qualifying must not make a line of more than 998 octets; such a field is
// left as written (the rest of the header stays the sender's, and is not refolded).
bool within_line_limit(std::string_view field) {
  std::size_t start = 0;
  while (start < field.size()) {
    const std::size_t lf = field.find('\n', start);
    const std::size_t end = lf == std::string_view::npos ? field.size() : lf + 1;
    std::string_view line = field.substr(start, end - start);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() > kMaxHeaderLine) return false;
    start = end;
  }
  return true;
}

}  // namespace

std::string qualified_field(std::string_view field, std::string_view qualify_domain) {
  std::string out(field);
  const std::size_t colon = field.find(':');
  if (colon == std::string_view::npos || qualify_domain.empty()) return out;
  std::string body;
  for (char c : field.substr(colon + 1)) {
    if (c != '\r' && c != '\n') body += c;
  }
  std::vector<std::size_t> ends;
  std::string why;
  if (!bare_local_part_ends(body, ends, why)) return out;
  const std::string suffix = "@" + std::string(qualify_domain);
  // From the last back, so the earlier offsets stay valid.
  for (auto it = ends.rbegin(); it != ends.rend(); ++it) {
    out.insert(raw_offset(field, colon + 1, *it), suffix);
  }
  return within_line_limit(out) ? out : std::string(field);
}

void qualify_header_addresses(Message& message, std::string_view qualify_domain) {
  if (qualify_domain.empty() || !message.facts.has_header_section) return;
  HeaderParser parser;
  parser.feed(std::string_view(message.content).substr(0, message.facts.header_end));
  if (parser.finish() == HeaderParseStatus::error) return;
  const std::vector<HeaderField>& fields = parser.fields();
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    if (!is_qualified_field(it->name)) continue;
    const std::string field = qualified_field(it->raw, qualify_domain);
    if (field.size() == it->raw.size()) continue;
    message.content.replace(it->offset, it->raw.size(), field);
    message.facts.header_end += field.size() - it->raw.size();
  }
}

}  // namespace smtpsend::message
