#include "smtpsend/message/addressed_copy.hpp"

#include <algorithm>
#include <array>
#include <span>

#include "smtpsend/message/header_parser.hpp"

namespace smtpsend::message {
namespace {

bool named(const HeaderField& field, std::span<const std::string_view> names) {
  for (std::string_view name : names) {
    if (same_field_name(field.name, name)) return true;
  }
  return false;
}

// RFC 5322 §3.6.6: a message being resent says so in a Resent- block, and -t then reads the
// recipients from its Resent-To/Cc/Bcc (read_recipients.hpp). Its To: and Cc: are the original
// message's and stay; the copy's recipient goes into the Resent block instead.
bool is_resent(std::span<const HeaderField> fields) {
  return std::any_of(fields.begin(), fields.end(), [](const HeaderField& field) {
    static constexpr std::array<std::string_view, 7> kResentFields{
        "Resent-From", "Resent-Sender", "Resent-Date",      "Resent-To",
        "Resent-Cc",   "Resent-Bcc",    "Resent-Message-ID"};
    return named(field, kResentFields);
  });
}

// Who a copy is addressed to and its identity, in the original or the Resent block.
struct Replaced {
  std::array<std::string_view, 2> recipients;
  std::string_view recipient_field;
  std::string_view id_field;
};

constexpr Replaced kOriginal{{"To", "Cc"}, "To", "Message-ID"};
constexpr Replaced kResent{{"Resent-To", "Resent-Cc"}, "Resent-To", "Resent-Message-ID"};

}  // namespace

Message addressed_copy(const Message& original, std::string_view recipient,
                       const CompletionContext& ctx) {
  const std::string_view content(original.content);
  HeaderParser parser;
  parser.feed(content.substr(0, original.facts.header_end));
  parser.finish();

  Message copy;
  copy.source = original.source;
  copy.spooled = original.spooled;
  copy.spooled_eight_bit = original.spooled_eight_bit;
  copy.spooled_long_line = original.spooled_long_line;
  copy.rest = original.rest;
  copy.facts = original.facts;
  copy.facts.message_id = new_message_id(ctx);
  copy.facts.has_message_id = true;
  const bool resent = is_resent(parser.fields());
  const Replaced& replaced = resent ? kResent : kOriginal;
  const std::string added = std::string(replaced.recipient_field) + ": " + std::string(recipient) +
                            "\r\n" + std::string(replaced.id_field) + ": " + copy.facts.message_id +
                            "\r\n";
  // A resent copy's fields stand where the first replaced one stood, inside the newest Resent
  // block (the first, §3.6.6); otherwise, or when it has none, at the top.
  bool placed = !resent;
  if (placed) copy.content = added;
  for (const HeaderField& field : parser.fields()) {
    const bool replaces =
        named(field, replaced.recipients) || same_field_name(field.name, replaced.id_field);
    if (replaces && !placed) {
      copy.content += added;
      placed = true;
    }
    if (!replaces) copy.content += field.raw;
  }
  if (!placed) copy.content.insert(0, added);
  copy.facts.header_end = copy.content.size();
  // A message that had no header section got one when it was completed, so the empty line
  // and the body follow header_end.
  copy.content += content.substr(original.facts.header_end);
  return copy;
}

}  // namespace smtpsend::message
