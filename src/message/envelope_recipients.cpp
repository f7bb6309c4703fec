// -t merging (SPEC.md "Message input": header recipients are added to the command line's,
// duplicates sent once). Postfix's sendmail -t adds rather than refuses the same way.
#include "smtpsend/message/envelope_recipients.hpp"

#include <set>
#include <utility>

namespace smtpsend::message {
namespace {

// RFC 5321 §2.4: a local part may be case-sensitive, a domain is not; so two spellings are one
// mailbox only when the local parts match exactly and the domains case-fold.
using MailboxKey = std::pair<std::string, std::string>;

MailboxKey mailbox_key(const EnvelopeAddress& address) {
  return {address.local, address.domain_key()};
}

void append_unique(EnvelopeAddress address, std::set<MailboxKey>& seen,
                   std::vector<EnvelopeAddress>& out) {
  if (seen.insert(mailbox_key(address)).second) out.push_back(std::move(address));
}

}  // namespace

bool add_recipients(std::span<const std::string> texts, std::string_view qualify_domain,
                    std::vector<EnvelopeAddress>& out, std::string& detail) {
  std::set<MailboxKey> seen;
  for (const EnvelopeAddress& address : out) seen.insert(mailbox_key(address));
  for (const std::string& text : texts) {
    EnvelopeAddress parsed;
    if (!parse_envelope_address(text, qualify_domain, parsed, detail)) return false;
    append_unique(std::move(parsed), seen, out);
  }
  return true;
}

bool merge_recipients(std::span<const EnvelopeAddress> command_line,
                      std::span<const std::string> header, std::string_view qualify_domain,
                      std::vector<EnvelopeAddress>& out, std::string& detail) {
  out.clear();
  std::set<MailboxKey> seen;
  for (const EnvelopeAddress& address : command_line) append_unique(address, seen, out);
  return add_recipients(header, qualify_domain, out, detail);
}

}  // namespace smtpsend::message
