#include "smtpsend/message/addressed_copy.hpp"

#include "smtpsend/message/header_parser.hpp"

namespace smtpsend::message {
namespace {

// The fields a copy replaces: who it is addressed to, and its identity.
bool replaced(const HeaderField& field) {
  return same_field_name(field.name, "To") || same_field_name(field.name, "Cc") ||
         same_field_name(field.name, "Message-ID");
}

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
  copy.rest = original.rest;
  copy.facts = original.facts;
  copy.facts.message_id = new_message_id(ctx);
  copy.facts.has_message_id = true;
  copy.content =
      "To: " + std::string(recipient) + "\r\nMessage-ID: " + copy.facts.message_id + "\r\n";
  for (const HeaderField& field : parser.fields()) {
    if (!replaced(field)) copy.content += field.raw;
  }
  copy.facts.header_end = copy.content.size();
  // A message that had no header section got one when it was completed, so the empty line
  // and the body follow header_end.
  copy.content += content.substr(original.facts.header_end);
  prepare_seven_bit_form(copy);  // the header changed, and a UTF-8 recipient makes it 8-bit
  return copy;
}

}  // namespace smtpsend::message
