// queue/bounce: whether a failed recipient is reported to its sender, and the report itself: an
// RFC 3464 delivery status notification inside an RFC 6522 multipart/report.
//
// Owns: the rule that decides a bounce (RFC 3461 §5.2, RFC 5321 §4.5.5) and the bytes of the
// bounce message (CRLF, 7-bit, every line within 998 octets, RFC 5322 §2.1.1). Must not: read a
// clock, a file or the network; the caller gives the time, the host name and the Message-ID, and
// enqueues the result as a new entry with the null sender (docs/decisions.md "Bounces").
// Errors: none; every input gives a well-formed message (server text and original header lines
// are sanitised, folded or encoded, never refused).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/smtp/dsn.hpp"

namespace smtpsend::queue {

// RFC 3461 §5.2 / RFC 5321 §4.5.5: no bounce to the null sender, none to a message that is
// itself a bounce, none for a recipient whose NOTIFY excludes FAILURE (NEVER, or SUCCESS/DELAY
// only). `notify` is the recipient's NOTIFY as stored ("" = not asked: failures are reported).
bool should_bounce(std::string_view envelope_sender, std::string_view notify, bool is_bounce);

// Why a recipient is in the bounce.
enum class BounceReason {
  failed,   // a 5xx (or another permanent failure) ended it
  expired,  // queue-lifetime passed while it was still deferred
};

// One recipient of the bounce (RFC 3464 §2.3).
struct BouncedRecipient {
  std::string address;        // the envelope recipient (Final-Recipient: rfc822; ...)
  std::string orcpt;          // ORCPT as given ("rfc822;bob@example.com"); "" when none
  BounceReason reason = BounceReason::failed;
  // The last reply, if any server answered (code 0: none). Its text is raw server bytes.
  int reply_code = 0;
  std::string reply_enhanced;  // "5.1.1"; "" when the server sent none
  std::string reply_text;
  std::string host;            // Remote-MTA (the server that replied); "" when none did
  std::string detail;          // one sentence when there is no reply ("connection refused ...")
  std::int64_t last_attempt = 0;  // Unix seconds; 0: never attempted (no Last-Attempt-Date)
};

struct BounceInput {
  std::string reporting_fqdn;   // this host's name: From: MAILER-DAEMON@<fqdn>, Reporting-MTA
  std::string to;               // bounce-to, else the original envelope sender
  std::string message_id;       // the bounce's own Message-ID, with angle brackets
  std::int64_t now = 0;         // Unix seconds: Date
  std::int64_t arrival = 0;     // Unix seconds: Arrival-Date of the original
  std::string envid;            // ENVID of the original; "" when none (no Original-Envelope-Id)
  std::optional<smtp::DsnReturn> ret;  // RET of the original; nullopt = HDRS
  std::vector<BouncedRecipient> recipients;
  // The original message's bytes (CRLF), or at least its header section; the header section
  // (up to the first empty line) is attached as text/rfc822-headers, or the whole message as
  // message/rfc822 when RET=FULL, `original_is_whole` and it is at most kMaxReturnedMessage
  // octets. A large message is held as its head only (message/message.hpp kHeldWhole): the
  // caller reads it back whole or says that `original` is not the whole message.
  std::string_view original;
  bool original_is_whole = true;
};

// RET=FULL returns the whole message only up to this size; a larger one gets its headers
// (docs/decisions.md "Bounces"), as Postfix's bounce_size_limit does.
inline constexpr std::size_t kMaxReturnedMessage = 1024 * 1024;

// The complete bounce message (header section and body), CRLF line ends, 7-bit.
std::string compose_bounce(const BounceInput& input);

// RFC 3464 §2.3.4 Status for one recipient (its Action is always "failed"): a failed
// recipient's 5.x.y from its reply (5.0.0 when it has none); an expired one keeps its last
// reply's 4.x.y, as Postfix does, and 4.4.7 ("delivery time expired", RFC 3463 §3.5) when no
// server gave one.
std::string bounce_status(const BouncedRecipient& recipient);

}  // namespace smtpsend::queue
