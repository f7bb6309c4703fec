// smtp/failure_policy: what a reply or a failure means for the recipients, in one table
// (as Postfix keeps it in smtp_trouble.c): whom it settles, deferred or failed and why, whether
// the destination may still try its next host, whether the message may have been delivered,
// and the sentence said when no reply can be quoted.
//
// classify() is pure: the session states the facts (the stage, the reply or what happened
// instead, the TLS policy in force) and does what the Fate says. A new rule (a DANE or MTA-STS
// failure: "this host, deferred 4.7.5, try the next MX") is one more row, not new branches.
// Must not: know about sockets, the session's state or the report's wording beyond the sentence.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/smtp/reply.hpp"
#include "smtpsend/smtp/stage.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::smtp {

// Whom a fate settles (Postfix: smtp_rcpt_fail, smtp_mesg_fail, smtp_site_fail).
enum class Scope {
  none,         // nothing is settled: the session goes on (HELO after EHLO's 5xx, and so on)
  held,         // the recipient waits for a further transaction here (452, RFC 5321 §4.5.3.1.10)
  recipient,    // this one recipient
  transaction,  // the recipients of this message (those accepted, or all of it before MAIL)
  host,         // every recipient not yet settled; this connection ends, the next host may try
  destination,  // every recipient not yet settled; this connection ends, no other host is tried
};

// What happened when no reply decides it. The session names the fact; classify() judges it.
enum class Failure {
  // The connection, at any stage (RFC 5321 §4.5.3.2).
  timeout,        // no reply within the stage's time
  write_timeout,  // a write did not complete within the stage's time
  eof,            // the server closed the connection
  io_error,       // a read or write failed
  protocol,       // the server broke the protocol: a garbled or impossible reply, data unasked
  // The same once the write holding the final dot was handed out (RFC 1047): for the
  // recipients that message was accepted for.
  timeout_after_final_dot,
  lost_after_final_dot,  // eof or an I/O error
  protocol_after_final_dot,
  // TLS (RFC 3207, RFC 8314).
  tls_unavailable,         // no STARTTLS offered
  tls_handshake,           // the handshake after STARTTLS failed
  implicit_tls_handshake,  // the handshake on a TLS port failed
  // AUTH (RFC 4954) failed without a reply to quote: no TLS, no common mechanism, a broken
  // exchange, a success the server did not prove.
  auth,
  // This host cannot take the message as it is (found before MAIL FROM).
  envelope_line_break,      // CR or LF in an envelope address
  message_too_large,        // beyond the server's SIZE (RFC 1870 §6)
  smtputf8_recipient,       // a UTF-8 recipient, no SMTPUTF8 (RFC 6531 §3.4)
  smtputf8_message,         // the message needs SMTPUTF8, none offered
  eight_bit_unsupported,    // 8-bit content, no 8BITMIME, no 7-bit form
  seven_bit_unconvertible,  // 8-bit content, no 8BITMIME, the 7-bit conversion said why not
  // 452 recipients that cannot move to a further transaction on this connection.
  recipients_over_limit,             // the transaction took nobody: the limit is not the count
  recipients_over_limit_after_quit,  // QUIT already rode with a pipelined BDAT
  // Message data.
  input_unreadable,    // the message could not be read while it was sent
  refused_before_end,  // the others, once a reply to end of data came before the data's end
  // (last: the table's completeness check counts up to it)
};

struct Fate {
  Scope scope = Scope::none;
  RecipientStatus status = RecipientStatus::deferred;
  FailureCause cause = FailureCause::temporary;
  // The destination tries no other host for them (RecipientOutcome::final).
  bool final = true;
  bool may_duplicate = false;  // the final dot may have reached the server (RFC 1047)
  // The sentence when no reply can be quoted (or beside it); empty: the reply says it all.
  // Placeholders: {where} host[ip], {stage} the stage's sentence, {seconds} its timeout,
  // {error} the event's error text, {tls} the policy's name, {detail} what the caller knows.
  std::string_view sentence = {};
  // The error the diagnostics name when the event brings none of its own.
  Errc error = Errc::ok;
  friend bool operator==(const Fate&, const Fate&) = default;
};

Fate classify(Stage stage, const Reply& reply, TlsPolicy tls) noexcept;
Fate classify(Stage stage, Failure failure, TlsPolicy tls) noexcept;

struct SentenceFacts {
  std::string_view where;  // "mx.example.net[192.0.2.1]"
  std::string_view stage;  // "while sending RCPT TO"
  std::chrono::seconds timeout{0};
  std::string_view error;  // std::error_code::message()
  std::string_view tls;    // "required"
  std::string_view detail;
};
// The Fate's sentence with its placeholders filled; empty when it has none.
std::string fill_sentence(std::string_view sentence, const SentenceFacts& facts);

// ---- the table itself, for its tests ----
enum class TlsRule { any, optional, mandatory };  // optional: none or opportunistic

struct ReplyRule {
  std::uint32_t stages;  // bit (1 << Stage) for each stage the rule is about
  int reply_class;       // 2..5
  int code;              // 0, or one exact code (421, 452) that takes precedence over its class
  TlsRule tls;
  Fate fate;
};
struct FailureRule {
  Failure failure;
  TlsRule tls;
  Fate fate;
};
std::span<const ReplyRule> reply_rules() noexcept;
std::span<const FailureRule> failure_rules() noexcept;

std::string_view to_string(Scope scope) noexcept;
std::string_view to_string(Failure failure) noexcept;
std::ostream& operator<<(std::ostream& os, Scope scope);
std::ostream& operator<<(std::ostream& os, Failure failure);
std::ostream& operator<<(std::ostream& os, const Fate& fate);

}  // namespace smtpsend::smtp
