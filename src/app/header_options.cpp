// The options that change a loaded message's header: -t (recipients from the header, Bcc
// removed) and -F (From: for a message without one).
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/address.hpp"
#include "smtpsend/message/read_recipients.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// The address of an added From: is the envelope sender the message would get anyway: -f, or
// the default of SPEC.md "Envelope" ($USER@qualify-domain when there is no Sender: either).
// Either is parsed, so the field gets an addr-spec of at most 254 octets (a long -F is folded
// around it, message/header_fold.hpp).
std::optional<Stop> added_from_address(const cli::Request& request, const cli::HostIdentity& host,
                                       const message::Message& message, std::string& out) {
  const bool use_default = !request.from || request.from->empty() || *request.from == "<>";
  const std::string text = use_default ? message::default_envelope_sender(message.facts, host.user,
                                                                          request.qualify_domain)
                                       : *request.from;
  message::EnvelopeAddress parsed;
  std::string detail;
  if (!message::parse_envelope_address(text, request.qualify_domain, parsed, detail)) {
    return Stop{ExitCode::data_error, detail};
  }
  out = parsed.text;
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
    if (request.from_name && !message.facts.has_from) {
      std::string address;
      if (auto stop = added_from_address(request, host, message, address)) return stop;
      message::add_missing_from(message.content, message.facts, address, *request.from_name);
    }
    message::prepare_seven_bit_form(message);
  }
  return std::nullopt;
}

}  // namespace smtpsend::app
