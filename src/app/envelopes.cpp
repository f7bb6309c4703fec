#include "smtpsend/message/address.hpp"
#include "smtpsend/message/aliases.hpp"
#include "smtpsend/message/envelope_recipients.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

std::optional<Stop> parse_address(const std::string& text, const std::string& qualify_domain,
                                  message::EnvelopeAddress& out) {
  std::string detail;
  if (message::parse_envelope_address(text, qualify_domain, out, detail)) return std::nullopt;
  return Stop{ExitCode::data_error, detail};
}

// SPEC.md "Envelope": -f wins ("" and "<>" are the null sender); else the message's From:,
// Sender:, or $USER@qualify-domain.
std::optional<Stop> envelope_sender(const cli::Request& request, const cli::HostIdentity& host,
                                    const message::Message& message, std::string& sender) {
  message::EnvelopeAddress parsed;
  if (!request.from) {
    // Parsed too: an address from the header goes through the same checks (controls, IDNA)
    // before anything is sent.
    const std::string text =
        message::default_envelope_sender(message.facts, host.user, request.qualify_domain);
    if (auto stop = parse_address(text, request.qualify_domain, parsed)) return stop;
    sender = parsed.text;
    return std::nullopt;
  }
  if (request.from->empty() || *request.from == "<>") {
    sender.clear();
    return std::nullopt;
  }
  if (auto stop = parse_address(*request.from, request.qualify_domain, parsed)) return stop;
  sender = parsed.text;
  return std::nullopt;
}

}  // namespace

std::optional<Stop> expand_recipient_aliases(const cli::Request& request,
                                             const std::string& host_name,
                                             std::size_t message_index,
                                             std::vector<message::EnvelopeAddress>& recipients,
                                             std::vector<RecipientResult>& refused) {
  if (request.aliases.empty()) return std::nullopt;
  message::AliasExpansion expanded = message::expand_aliases(
      request.aliases, recipients, message::LocalDomains{request.qualify_domain, host_name});
  if (!expanded.error.empty()) return Stop{ExitCode::config, expanded.error};
  recipients = std::move(expanded.recipients);
  for (message::AliasRefusal& refusal : expanded.refused) {
    // SPEC.md "Aliases": refused for that recipient; a permanent failure that is not a 5xx to
    // RCPT, so it counts as 69 among the failures (docs/decisions.md "Aliases").
    RecipientResult result;
    result.message_index = message_index;
    result.address = std::move(refusal.recipient);
    result.status = RecipientStatus::failed;
    result.cause = FailureCause::permanent;
    result.diag.detail = std::move(refusal.sentence);
    refused.push_back(std::move(result));
  }
  return std::nullopt;
}

std::optional<Stop> build_envelopes(const cli::Request& request, const cli::HostIdentity& host,
                                    const std::string& host_name,
                                    const std::vector<message::Message>& messages,
                                    std::vector<delivery::OutgoingMessage>& outgoing,
                                    std::vector<RecipientResult>& refused) {
  std::vector<message::EnvelopeAddress> recipients;
  std::string detail;
  if (!message::add_recipients(request.recipients, request.qualify_domain, recipients, detail)) {
    return Stop{ExitCode::data_error, detail};
  }
  for (const message::Message& message : messages) {
    delivery::OutgoingMessage item;
    item.message = &message;
    item.parameters = request.envelope_parameters;
    // -t: added after the command line's, each mailbox once (message/envelope_recipients.hpp).
    if (!message::merge_recipients(recipients, message.header_recipients, request.qualify_domain,
                                   item.recipients, detail)) {
      return Stop{ExitCode::data_error, detail};
    }
    if (item.recipients.empty()) {
      return Stop{ExitCode::usage,
                  "no recipients: none given and -t found none in " + message.source};
    }
    if (auto stop = expand_recipient_aliases(request, host_name, outgoing.size(), item.recipients,
                                             refused)) {
      return stop;
    }
    if (auto stop = envelope_sender(request, host, message, item.mail_from)) return stop;
    outgoing.push_back(std::move(item));
  }
  return std::nullopt;
}

}  // namespace smtpsend::app
