// The step after which nothing changes a message: each one finished (message/finalize.hpp),
// and with --each (issue 5, mailings) replaced by one copy per recipient, so that each copy
// names only its recipient. The copies of one message share its spooled body, and every copy
// to one destination goes over that destination's one connection, one transaction after
// another.
#include <chrono>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/finalize.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

std::vector<message::CopyRecipient> copy_recipients(const std::string& fqdn,
                                                    const delivery::OutgoingMessage& item) {
  std::vector<message::CopyRecipient> copies;
  copies.reserve(item.recipients.size());
  for (const message::EnvelopeAddress& recipient : item.recipients) {
    // A-labels in the header: a U-label domain alone must not make the copy need SMTPUTF8,
    // which the same recipient without --each does not (its envelope goes as A-labels).
    copies.push_back({recipient.header_text(),
                      {fqdn, std::chrono::system_clock::now(), unique_text()}});
  }
  return copies;
}

}  // namespace

std::optional<Stop> finish_messages(bool each, const std::string& fqdn,
                                    std::vector<message::Message>& messages,
                                    std::vector<delivery::OutgoingMessage>& outgoing,
                                    const message::DkimSettings& dkim) {
  std::vector<message::Message> finished;
  std::vector<delivery::OutgoingMessage> sent;
  for (delivery::OutgoingMessage& item : outgoing) {
    // No copy for nobody (build_envelopes() stops a run with a message without recipients).
    if (each && item.recipients.empty()) continue;
    // build_envelopes() gave every message exactly one item, pointing into `messages`.
    message::Message& original = messages[static_cast<std::size_t>(item.message - messages.data())];
    const std::vector<message::CopyRecipient> copies =
        each ? copy_recipients(fqdn, item) : std::vector<message::CopyRecipient>{};
    std::vector<message::Message> forms;
    message::LoadError error;
    if (!message::finalize_message(std::move(original), copies, dkim, forms, error)) {
      return Stop{error.error == Errc::message_malformed ? ExitCode::data_error
                                                         : ExitCode::io_error,
                  error.detail};
    }
    if (!each) {
      finished.push_back(std::move(forms.front()));
      sent.push_back(std::move(item));
      continue;
    }
    // A copy's envelope is the item's whole (sender, DSN and any parameter added later) but
    // for its one recipient. The recipients are taken out first: copying the item with all of
    // them for each copy made --each quadratic (1000 recipients: a million addresses copied).
    std::vector<message::EnvelopeAddress> recipients = std::move(item.recipients);
    item.recipients.clear();
    for (std::size_t k = 0; k < forms.size(); ++k) {
      finished.push_back(std::move(forms[k]));
      sent.push_back(item);
      sent.back().recipients = {std::move(recipients[k])};
    }
  }
  // Pointed to only now: `finished` no longer grows, and moving the vector keeps its elements.
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i].message = &finished[i];
  messages = std::move(finished);
  outgoing = std::move(sent);
  return std::nullopt;
}

}  // namespace smtpsend::app
