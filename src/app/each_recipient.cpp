// --each (issue 5, mailings): one message per recipient, so that each copy names only its
// recipient. The copies of one message share its spooled body, and every copy to one
// destination goes over that destination's one connection, one transaction after another.
#include <chrono>

#include "smtpsend/message/addressed_copy.hpp"
#include "steps.hpp"

namespace smtpsend::app {

void address_each_recipient(const std::string& fqdn, std::vector<message::Message>& messages,
                            std::vector<delivery::OutgoingMessage>& outgoing) {
  std::size_t count = 0;
  for (const delivery::OutgoingMessage& item : outgoing) count += item.recipients.size();
  std::vector<message::Message> copies;
  copies.reserve(count);  // the outgoing items point into it: it must never reallocate
  std::vector<delivery::OutgoingMessage> addressed;
  addressed.reserve(count);
  for (const delivery::OutgoingMessage& item : outgoing) {
    for (const message::EnvelopeAddress& recipient : item.recipients) {
      const message::CompletionContext context{fqdn, std::chrono::system_clock::now(),
                                               unique_text()};
      // A-labels in the header: a U-label domain alone must not make the copy need SMTPUTF8,
      // which the same recipient without --each does not (its envelope goes as A-labels).
      copies.push_back(message::addressed_copy(*item.message, recipient.header_text(), context));
      // A copy of the whole item: whatever else it carries (sender, envelope parameters) goes
      // with every copy; only the message and the recipient are this copy's own.
      delivery::OutgoingMessage copy = item;
      copy.message = &copies.back();
      copy.recipients = {recipient};
      addressed.push_back(std::move(copy));
    }
  }
  messages = std::move(copies);
  outgoing = std::move(addressed);
}

}  // namespace smtpsend::app
