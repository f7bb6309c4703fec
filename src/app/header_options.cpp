// What changes a loaded message's header: bare local names qualified, -t (recipients from the
// header, Bcc removed), and From: for a message without one (-F its display name).
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address.hpp"
#include "smtpsend/message/header_addresses.hpp"
#include "smtpsend/message/read_recipients.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// RFC 5322 §3.6 requires From:; like msmtp, dma and Postfix's cleanup, a message without one
// gets one naming its envelope sender: -f, or the default of SPEC.md "Envelope"
// ($USER@qualify-domain when there is no Sender: either). For the null sender (-f '<>'), the
// address Postfix writes: MAILER-DAEMON@qualify-domain (docs/decisions.md "Messages").
// Parsed, so the field gets an addr-spec of at most 254 octets in A-labels (a long -F is folded
// around it, message/header_fold.hpp).
std::optional<Stop> added_from_address(const cli::Request& request, const cli::HostIdentity& host,
                                       const message::Message& message, std::string& out) {
  const bool null_sender = request.from && (request.from->empty() || *request.from == "<>");
  const std::string text = null_sender    ? std::string("MAILER-DAEMON")
                           : request.from ? *request.from
                                          : message::default_envelope_sender(
                                                message.facts, host.user, request.qualify_domain);
  message::EnvelopeAddress parsed;
  std::string detail;
  if (!message::parse_envelope_address(text, request.qualify_domain, parsed, detail)) {
    return Stop{ExitCode::data_error, detail};
  }
  out = parsed.header_text();
  return std::nullopt;
}

}  // namespace

std::optional<Stop> apply_header_options(const cli::Request& request, const cli::HostIdentity& host,
                                         std::vector<message::Message>& messages) {
  for (message::Message& message : messages) {
    message::LoadError error;
    if (request.read_recipients && !message::read_recipients(message, error)) {
      return Stop{ExitCode::data_error, error.detail};
    }
    message::qualify_header_addresses(message, request.qualify_domain);
    if (!message.facts.has_from) {
      std::string address;
      if (auto stop = added_from_address(request, host, message, address)) return stop;
      message::add_missing_from(message.content, message.facts, address,
                                request.from_name.value_or(""));
    }
  }
  return std::nullopt;
}

}  // namespace smtpsend::app
