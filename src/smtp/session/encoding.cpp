// What a server's extensions allow a message to be on the wire: the raw 8-bit message with
// BODY=8BITMIME (RFC 6152 §2), its 7-bit form where 8BITMIME is missing (RFC 6152 §3), and
// SMTPUTF8 (RFC 6531) for messages that need it.
#include <algorithm>

#include "impl.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {

bool Session::Impl::sends_raw_eight_bit(const Transaction& t) const noexcept {
  return t.eight_bit && handshake_.caps.eight_bit_mime;
}

message::ContentView Session::Impl::content_on_wire(const Transaction& t) const noexcept {
  return t.eight_bit && !handshake_.caps.eight_bit_mime ? message::ContentView{t.seven_bit_content}
                                                        : t.content;
}

// RFC 6531 §3.2: a recipient whose address (as the wire carries it) is not ASCII.
bool Session::Impl::utf8_recipient(std::size_t slot) const noexcept {
  const std::string& address = recipients_.wire_address(slot);
  return std::any_of(address.begin(), address.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Without SMTPUTF8, a UTF-8 recipient cannot be named (RFC 6531 §3.4); the others of the same
// message can still get it, in a transaction without SMTPUTF8.
void Session::Impl::refuse_utf8_recipients(TxRun& run) {
  if (handshake_.caps.smtputf8) return;
  std::vector<std::size_t> kept;
  for (std::size_t slot : run.slots) {
    if (utf8_recipient(slot)) {
      recipients_.settle(slot, judge_before_mail(Failure::smtputf8_recipient));
    } else {
      kept.push_back(slot);
    }
  }
  run.slots = std::move(kept);
}

// A message this host cannot take as it is: another host of the destination may offer what
// this one lacks (failure_policy.cpp keeps these refusals not final).
std::optional<Settlement> Session::Impl::encoding_refusal(const TxRun& run) const {
  const Transaction& t = transaction(run);
  // RFC 6531 §3.4: without SMTPUTF8 offered, such a message must not be sent at all.
  if (t.needs_smtputf8 && !handshake_.caps.smtputf8) {
    return judge_before_mail(Failure::smtputf8_message);
  }
  if (t.eight_bit && !handshake_.caps.eight_bit_mime && t.seven_bit_content.empty()) {
    if (t.seven_bit_error.empty()) return judge_before_mail(Failure::eight_bit_unsupported);
    return judge_before_mail(Failure::seven_bit_unconvertible, t.seven_bit_error);
  }
  return std::nullopt;
}

}  // namespace smtpsend::smtp
