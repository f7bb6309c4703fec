// The one place where a message is finished: every form that goes on the wire is made here,
// from the message's final bytes.
#include "smtpsend/message/finalize.hpp"

#include "smtpsend/core/errors.hpp"
#include "smtpsend/dns/mx_plan.hpp"
#include "smtpsend/message/addressed_copy.hpp"
#include "smtpsend/message/dkim/signer.hpp"

namespace smtpsend::message {
namespace {

// d=: --dkim-domain, else the domain of From: (RFC 7489 §3.1.1: DMARC aligns d= with it), in
// A-labels (RFC 6376 §3.5).
bool signing_domain(const Message& message, const DkimSettings& dkim, std::string& domain,
                    LoadError& error) {
  if (!dkim.domain.empty()) {
    domain = dkim.domain;
    return true;
  }
  const std::optional<std::string>& from = message.facts.from_address;
  const std::size_t at = from ? from->rfind('@') : std::string::npos;
  if (at != std::string::npos && dns::to_ascii_domain(from->substr(at + 1), domain) &&
      dkim::is_valid_signing_domain(domain)) {
    return true;
  }
  error = {make_error_code(Errc::message_malformed),
           message.source + ": no From: domain to sign for (DKIM d=); give --dkim-domain"};
  return false;
}

bool sign(const ContentView& form, const Message& message, const dkim::Signing& signing,
          std::string& fields, LoadError& error) {
  std::string why;
  if (dkim::sign_content(form, signing, fields, why)) return true;
  error = {std::make_error_code(std::errc::io_error),
           "cannot DKIM-sign " + message.source + ": " + why};
  return false;
}

// Each form gets a signature of its own, over its own bytes, at its top (RFC 6376 §5.3: sign
// what is sent). The 7-bit form has another body and Content-Transfer-Encoding than the
// as-is form, so one signature cannot verify on both (§3.7, the body hash); and it is made
// from the unsigned message, so it does not carry the as-is form's signature, which would fail
// there (a verifier that looks at the first signature only would give up).
bool sign_forms(Message& message, const DkimSettings& dkim, LoadError& error) {
  dkim::Signing signing{dkim.keys, {}, dkim.time};
  if (!signing_domain(message, dkim, signing.domain, error)) return false;
  std::string fields;
  if (message.seven_bit.error.empty() && message.seven_bit_content().size() > 0) {
    if (!sign(message.seven_bit_content(), message, signing, fields, error)) return false;
    if (message.seven_bit_stream) {
      message.seven_bit_signature = std::move(fields);
    } else {
      message.seven_bit.content.insert(0, fields);
    }
  }
  // A form no server gets is not read once more for nothing (a large message's pass).
  if (message.sends_seven_bit_form_everywhere()) return true;
  if (!sign(message.wire_content(), message, signing, fields, error)) return false;
  message.content.insert(0, fields);
  message.facts.header_end += fields.size();
  return true;
}

// The steps after which one message's bytes are final, in order: the 7-bit form, made from the
// message's last bytes, after the last change to its header (an --each copy's To: and
// Message-ID: included), then the DKIM signature of each form.
bool finish(Message& message, const DkimSettings& dkim, LoadError& error) {
  prepare_seven_bit_form(message);
  return dkim.keys.empty() || sign_forms(message, dkim, error);
}

}  // namespace

bool finalize_message(Message message, std::span<const CopyRecipient> each,
                      const DkimSettings& dkim, std::vector<Message>& finished, LoadError& error) {
  finished.clear();
  if (each.empty()) {
    finished.push_back(std::move(message));
  } else {
    finished.reserve(each.size());
    for (const CopyRecipient& copy : each) {
      finished.push_back(addressed_copy(message, copy.address, copy.identity));
    }
  }
  for (Message& form : finished) {
    if (!finish(form, dkim, error)) {
      finished.clear();
      return false;
    }
  }
  return true;
}

std::vector<Message> finalize_message(Message message, std::span<const CopyRecipient> each) {
  std::vector<Message> finished;
  LoadError unused;
  finalize_message(std::move(message), each, DkimSettings{}, finished, unused);
  return finished;
}

}  // namespace smtpsend::message
