// -t: recipients from the header (RFC 5322 §3.6.3, §3.6.6), Bcc removed (§3.6.3 leaves the
// choice to the sender; like Postfix, smtpsend removes the field so no recipient sees the
// blind copies).
#include "smtpsend/message/read_recipients.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address_list.hpp"

namespace smtpsend::message {
namespace {

constexpr std::array<std::string_view, 3> kRecipientFields{"To", "Cc", "Bcc"};
constexpr std::array<std::string_view, 3> kResentFields{"Resent-To", "Resent-Cc", "Resent-Bcc"};

bool named_any(const HeaderField& field, std::span<const std::string_view> names) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view name) { return same_field_name(field.name, name); });
}

bool is_blind_copy(const HeaderField& field) {
  return same_field_name(field.name, "Bcc") || same_field_name(field.name, "Resent-Bcc");
}

}  // namespace

bool header_recipients(std::span<const HeaderField> fields, std::vector<std::string>& out,
                       LoadError& error) {
  const bool resent = std::any_of(fields.begin(), fields.end(), [](const HeaderField& field) {
    return named_any(field, kResentFields);
  });
  const std::span<const std::string_view> names = resent ? kResentFields : kRecipientFields;
  for (const HeaderField& field : fields) {
    if (!named_any(field, names)) continue;
    std::vector<Mailbox> boxes;
    std::string why;
    if (!parse_address_list(field.unfolded_body(), boxes, why)) {
      error.error = make_error_code(Errc::message_malformed);
      // No line number: Date: and Message-ID: may have been added above the user's lines.
      error.detail = "the " + field.name + ": header is malformed: " + why;
      return false;
    }
    for (Mailbox& box : boxes) out.push_back(std::move(box.address));
  }
  return true;
}

std::size_t remove_blind_copies(std::string& content, std::span<const HeaderField> fields) {
  std::size_t removed = 0;
  // From the last field back, so the earlier offsets stay valid.
  for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
    if (!is_blind_copy(*it)) continue;
    content.erase(it->offset, it->raw.size());
    removed += it->raw.size();
  }
  return removed;
}

bool read_recipients(Message& message, LoadError& error) {
  HeaderParser parser;
  parser.feed(message.content);
  if (parser.finish() == HeaderParseStatus::error) {
    error.error = make_error_code(Errc::message_malformed);
    error.detail = message.source + ": " + parser.error();
    return false;
  }
  message.header_recipients.clear();
  if (!header_recipients(parser.fields(), message.header_recipients, error)) {
    error.detail = message.source + ": " + error.detail;
    return false;
  }
  message.facts.header_end -= remove_blind_copies(message.content, parser.fields());
  return true;
}

}  // namespace smtpsend::message
