// message/finalize: the last step a message takes before it is sent, in one place, so that
// every form that goes on the wire is made from its final bytes.
//
// Owns: the order of the finishing steps and what each finished message holds: its bytes as
// they are (`content` with its spooled body or composed rest), for --each one copy per
// recipient instead (addressed_copy.hpp), and, for an 8-bit message, its 7-bit form for a
// server without 8BITMIME (RFC 6152 §3, prepare_seven_bit_form()). DKIM signing (issue 13)
// is the step before the 7-bit form (finalize.cpp). Must not: know about servers or envelopes;
// change a message's header other than by those steps. Errors: none here: a message that has
// no 7-bit form carries why (Message::seven_bit.error), said only if a server needs that form.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

// --each: who one copy is addressed to, and the identity it gets (its own Message-ID).
struct CopyRecipient {
  std::string address;  // addr-spec for To: (or Resent-To:), A-labels (address.hpp header_text())
  CompletionContext identity;
};

// The messages that go on the wire made of `message`, in order: `message` itself when `each`
// is empty, else one copy per entry of `each` (the original is then not sent). Called once per
// message, after the last change to its header (-t, From:, qualified local names).
std::vector<Message> finalize_message(Message message, std::span<const CopyRecipient> each);

}  // namespace smtpsend::message
