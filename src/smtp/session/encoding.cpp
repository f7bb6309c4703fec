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

// RFC 6531 §3.6.4 gives 5.6.7. Not final: another host of the destination may offer SMTPUTF8
// (the destination keeps it as its last attempt and reports it when no host does better).
Fate Session::Impl::smtputf8_refusal() const {
  Fate fate;
  fate.status = RecipientStatus::failed;
  fate.cause = FailureCause::permanent;
  fate.final = false;
  fate.diag.host = config_.peer.host;
  fate.diag.ip = config_.peer.ip;
  fate.diag.error = make_error_code(Errc::smtputf8_unsupported);
  fate.diag.detail = "5.6.7 the message needs SMTPUTF8 (a UTF-8 address or header) and " + where() +
                     " does not offer it";
  return fate;
}

// Without SMTPUTF8, a UTF-8 recipient cannot be named (RFC 6531 §3.4); the others of the same
// message can still get it, in a transaction without SMTPUTF8.
void Session::Impl::refuse_utf8_recipients(TxRun& run) {
  if (handshake_.caps.smtputf8) return;
  std::vector<std::size_t> kept;
  for (std::size_t slot : run.slots) {
    if (utf8_recipient(slot)) {
      recipients_.settle(slot, smtputf8_refusal());
    } else {
      kept.push_back(slot);
    }
  }
  run.slots = std::move(kept);
}

// A message this host cannot take as it is. Like smtputf8_refusal(), a failed 7-bit conversion
// is this host's limit, not the message's fault everywhere: another host of the destination
// may offer 8BITMIME, so it is not final either.
std::optional<Fate> Session::Impl::encoding_refusal(const TxRun& run) const {
  const Transaction& t = transaction(run);
  // RFC 6531 §3.4: without SMTPUTF8 offered, such a message must not be sent at all.
  if (t.needs_smtputf8 && !handshake_.caps.smtputf8) return smtputf8_refusal();
  Fate fate;
  fate.status = RecipientStatus::failed;
  fate.final = false;
  fate.diag.host = config_.peer.host;
  fate.diag.ip = config_.peer.ip;
  if (t.eight_bit && !handshake_.caps.eight_bit_mime && t.seven_bit_content.empty()) {
    fate.cause = FailureCause::message;
    fate.diag.error = make_error_code(Errc::eight_bit_unsupported);
    fate.diag.detail =
        t.seven_bit_error.empty()
            ? "the message has 8-bit content and " + where() + " does not offer 8BITMIME"
            : t.seven_bit_error + ", as " + where() + " does not offer 8BITMIME";
    return fate;
  }
  return std::nullopt;
}

}  // namespace smtpsend::smtp
