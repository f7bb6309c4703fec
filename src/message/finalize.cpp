// The one place where a message is finished: every form that goes on the wire is made here,
// from the message's final bytes.
#include "smtpsend/message/finalize.hpp"

#include "smtpsend/message/addressed_copy.hpp"

namespace smtpsend::message {
namespace {

// The steps after which one message's bytes are final, in order.
void finish(Message& message) {
  // Issue 13: DKIM signing goes here, after the last change to the header (an --each copy's To:
  // and Message-ID: included) and before the 7-bit form is made. That form has another body,
  // so a signature over the as-is form does not verify on it (RFC 6376 §3.7, the body hash):
  // it needs its own, or only the 7-bit form is signed and sent, as §5.3 advises.
  prepare_seven_bit_form(message);
}

}  // namespace

std::vector<Message> finalize_message(Message message, std::span<const CopyRecipient> each) {
  std::vector<Message> finished;
  if (each.empty()) {
    finished.push_back(std::move(message));
  } else {
    finished.reserve(each.size());
    for (const CopyRecipient& copy : each) {
      finished.push_back(addressed_copy(message, copy.address, copy.identity));
    }
  }
  for (Message& form : finished) finish(form);
  return finished;
}

}  // namespace smtpsend::message
