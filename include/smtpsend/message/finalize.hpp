// message/finalize: the last step a message takes before it is sent, in one place, so that
// every form that goes on the wire is made from its final bytes.
//
// Owns: the order of the finishing steps and what each finished message holds: its bytes as
// they are (`content` with its spooled body or composed rest), for --each one copy per
// recipient instead (addressed_copy.hpp), and, for an 8-bit message, its 7-bit form for a
// server without 8BITMIME (RFC 6152 §3, prepare_seven_bit_form()); with DKIM keys, each of
// those forms signed over its own bytes (RFC 6376 §5.3), the signature at its top, so whoever
// takes the form (the session, the queue) takes it signed. Must not: know about servers or
// envelopes; change a message's header other than by those steps. Errors: a message that has
// no 7-bit form carries why (Message::seven_bit.error), said only if a server needs that form;
// signing fails only when there is no d= (no --dkim-domain, no From: domain: 65) or the message
// cannot be read back (74).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/message/dkim/key.hpp"
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

// DKIM (SPEC.md "DKIM signing"): the keys and the settings every message is signed with.
struct DkimSettings {
  std::span<const dkim::SigningKey> keys;  // none: nothing is signed
  std::string domain;                      // --dkim-domain; empty: From:'s domain
  std::int64_t time = 0;                   // t=
};

// As above, each message signed with `dkim`'s keys. False with `error` (its `detail` names the
// message) when one cannot be signed; `finished` then holds nothing to send.
bool finalize_message(Message message, std::span<const CopyRecipient> each,
                      const DkimSettings& dkim, std::vector<Message>& finished, LoadError& error);

}  // namespace smtpsend::message
