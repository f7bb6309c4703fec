// message/addressed_copy: --each (issue 5), one copy of a message per recipient, for mailings.
//
// Owns: the copy's header section: To: naming only its recipient, no Cc:, and a Message-ID of
// its own (RFC 5322 §3.6.4: an id names one message instance, and each copy is one); for a
// resent message (any Resent- address, date or id field, §3.6.6), Resent-To:, no Resent-Cc:
// and a Resent-Message-ID: instead, in the Resent block, the original To:, Cc: and Message-ID:
// kept (facts.message_id is then the copy's Resent-Message-ID); every other byte as it was. A large
// message's spooled body is shared by the copies, not copied. Must not: know about servers or
// envelopes. Errors: none; the message was parsed when loaded.
#pragma once

#include <string_view>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

// `recipient` goes into To: (or Resent-To:) as it is (an addr-spec; the caller passes A-labels,
// address.hpp header_text()). The copy is not finished: its 8-bit fact and 7-bit form are made
// by finalize_message() (finalize.hpp), the only caller, since its header changed.
Message addressed_copy(const Message& original, std::string_view recipient,
                       const CompletionContext& ctx);

}  // namespace smtpsend::message
