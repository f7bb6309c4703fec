// The header section scan (RFC 5322 §2.2, §3.6): where it ends, whether it is well formed
// enough to send, and the few field values smtpsend acts on. The section is split by the
// incremental HeaderParser, which bounds every line by kMaxHeaderLine and the whole section by
// kMaxHeaderSection before anything is kept, so hostile input costs at most that much.
#include <string>

#include "mailbox_list.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

std::string_view trim_wsp(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The msg-id itself (§3.6.4) when the body holds one, without surrounding comments.
std::string message_id_of(std::string_view body) {
  body = trim_wsp(body);
  const auto open = body.find('<');
  const auto close = body.find('>', open == std::string_view::npos ? 0 : open);
  if (open != std::string_view::npos && close != std::string_view::npos) {
    return std::string(body.substr(open, close - open + 1));
  }
  return std::string(body);
}

// The facts of one field. §3.6.2: a From: holding several mailboxes needs Sender:; MAIL FROM
// takes the first mailbox of the first From:.
void note_field(const HeaderField& field, HeaderFacts& facts, bool& saw_sender) {
  if (same_field_name(field.name, "Date")) {
    facts.has_date = true;
  } else if (same_field_name(field.name, "Message-ID")) {
    if (!facts.has_message_id) facts.message_id = message_id_of(field.unfolded_body());
    facts.has_message_id = true;
  } else if (same_field_name(field.name, "From")) {
    if (!facts.has_from) facts.from_address = detail::first_mailbox_address(field.unfolded_body());
    facts.has_from = true;
  } else if (same_field_name(field.name, "Sender")) {
    if (!saw_sender) facts.sender_address = detail::first_mailbox_address(field.unfolded_body());
    saw_sender = true;
  }
}

bool malformed(std::string detail, HeaderFacts& facts, LoadError& error) {
  facts.header_end = 0;
  error.error = make_error_code(Errc::message_malformed);
  error.detail = std::move(detail);
  return false;
}

}  // namespace

bool scan_headers(std::string_view canonical, HeaderFacts& facts, LoadError& error) {
  facts = HeaderFacts{};
  if (canonical.empty()) return malformed("the message is empty", facts, error);
  HeaderParser parser;
  parser.feed(canonical);
  if (parser.finish() == HeaderParseStatus::error) {
    return malformed(parser.error(), facts, error);
  }
  // Input that does not open with a header field is all body, as Postfix's sendmail and msmtp
  // treat `echo text | sendmail user`; RFC 5322 §3.5 allows an empty header section.
  facts.has_header_section = parser.has_header_section();
  bool saw_sender = false;
  for (const HeaderField& field : parser.fields()) note_field(field, facts, saw_sender);
  facts.header_end = parser.header_end();  // the empty line, or the end of headers-only content
  return true;
}

}  // namespace smtpsend::message
