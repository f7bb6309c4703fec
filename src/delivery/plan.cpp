#include "smtpsend/delivery/plan.hpp"

#include <set>
#include <unordered_map>
#include <utility>

#include "smtpsend/delivery/wire_form.hpp"

namespace smtpsend::delivery {
namespace {

// RFC 5321 §2.4: the local part may be case-sensitive, the domain is not; so two spellings
// are the same mailbox only when the local parts match exactly and the domains case-fold.
using MailboxKey = std::pair<std::string, std::string>;

MailboxKey mailbox_key(const message::EnvelopeAddress& address) {
  return {address.local, address.domain_key()};
}

Destination& destination_for(const message::EnvelopeAddress& address,
                             std::vector<Destination>& destinations,
                             std::unordered_map<std::string, std::size_t>& index_by_key) {
  std::string key = address.domain_key();
  auto [it, inserted] = index_by_key.try_emplace(key, destinations.size());
  if (inserted) destinations.push_back(Destination{address.domain, std::move(key), {}});
  return destinations[it->second];
}

smtp::Transaction& transaction_for(Destination& destination, std::size_t message_index,
                                   const OutgoingMessage& outgoing) {
  auto& transactions = destination.transactions;
  if (transactions.empty() || transactions.back().message_index != message_index) {
    smtp::Transaction transaction;
    transaction.message_index = message_index;
    transaction.mail_from = outgoing.mail_from;
    transaction.parameters = outgoing.parameters;
    WireAddress sender = wire_address(outgoing.mail_from);
    transaction.wire_mail_from = std::move(sender.text);
    transaction.needs_smtputf8 = sender.needs_smtputf8;
    if (const message::Message* message = outgoing.message) {
      transaction.content = message->wire_content();
      transaction.eight_bit = message->eight_bit;
      if (message->sends_seven_bit_form_everywhere()) {
        // Its 7-bit form is what every server gets (a long body line re-encoded), so no
        // server needs 8BITMIME for it.
        transaction.content = message->seven_bit_content();
        transaction.eight_bit = false;
      }
      transaction.seven_bit_content = message->seven_bit_content();
      transaction.seven_bit_error = message->seven_bit.error;
      transaction.needs_smtputf8 |= header_needs_smtputf8(*message);
    }
    transactions.push_back(std::move(transaction));
  }
  return transactions.back();
}

// The recipient as written (outcomes are matched by it) and as the wire carries it.
void add_recipient(smtp::Transaction& transaction, const message::EnvelopeAddress& recipient) {
  transaction.recipients.push_back(recipient.text);
  WireAddress wire = wire_address(recipient.text);
  // A recipient's own need for SMTPUTF8 shows in its wire form; the session sees it there.
  transaction.wire_recipients.push_back(std::move(wire.text));
}

}  // namespace

std::vector<Destination> group_by_domain(const std::vector<OutgoingMessage>& messages) {
  std::vector<Destination> destinations;
  std::unordered_map<std::string, std::size_t> index_by_key;
  for (std::size_t message_index = 0; message_index < messages.size(); ++message_index) {
    const OutgoingMessage& outgoing = messages[message_index];
    std::set<MailboxKey> seen;
    for (const message::EnvelopeAddress& recipient : outgoing.recipients) {
      if (!seen.insert(mailbox_key(recipient)).second) continue;
      Destination& destination = destination_for(recipient, destinations, index_by_key);
      add_recipient(transaction_for(destination, message_index, outgoing), recipient);
    }
  }
  return destinations;
}

Destination relay_destination(const std::vector<OutgoingMessage>& messages,
                              const RelayRoute& relay) {
  Destination destination{relay.host, relay.host, {}};
  for (std::size_t message_index = 0; message_index < messages.size(); ++message_index) {
    const OutgoingMessage& outgoing = messages[message_index];
    std::set<MailboxKey> seen;
    for (const message::EnvelopeAddress& recipient : outgoing.recipients) {
      if (!seen.insert(mailbox_key(recipient)).second) continue;
      add_recipient(transaction_for(destination, message_index, outgoing), recipient);
    }
  }
  return destination;
}

}  // namespace smtpsend::delivery
