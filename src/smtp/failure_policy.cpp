// The failure policy of one SMTP connection, as two tables: what each reply means at each stage,
// and what each failure without a reply means. Each row says why (RFC 5321 §4.3.2 lists the
// replies per command; docs/decisions.md "Protocol" and "TLS" give the reasons at length).
#include "smtpsend/smtp/failure_policy.hpp"

#include <array>
#include <initializer_list>

namespace smtpsend::smtp {
namespace {

constexpr std::size_t kStageCount = static_cast<std::size_t>(Stage::quit) + 1;
constexpr std::uint32_t kEveryStage = (std::uint32_t{1} << kStageCount) - 1;

constexpr std::uint32_t at(std::initializer_list<Stage> stages) {
  std::uint32_t bits = 0;
  for (const Stage stage : stages) bits |= std::uint32_t{1} << static_cast<unsigned>(stage);
  return bits;
}
constexpr std::uint32_t except(std::initializer_list<Stage> stages) {
  return kEveryStage & ~at(stages);
}

constexpr bool kFinal = true;      // the destination tries no other host for them
constexpr bool kNextHost = false;  // the destination may try its next host for them

constexpr Fate goes_on() {
  return Fate{};
}

// This host's trouble: every recipient not yet settled may try the next host.
constexpr Fate host_trouble(FailureCause cause = FailureCause::temporary,
                            std::string_view sentence = {}, Errc error = Errc::ok) {
  return Fate{Scope::host, RecipientStatus::deferred, cause, kNextHost, false, sentence, error};
}

// The destination refuses: every recipient not yet settled fails, no other host is tried.
constexpr Fate destination_refuses(FailureCause cause, std::string_view sentence = {},
                                   Errc error = Errc::ok) {
  return Fate{Scope::destination, RecipientStatus::failed, cause, kFinal, false, sentence, error};
}

constexpr Fate settles(Scope scope, RecipientStatus status, FailureCause cause, bool final,
                       std::string_view sentence = {}, Errc error = Errc::ok) {
  return Fate{scope, status, cause, final, false, sentence, error};
}

// RFC 1047: the final dot may have reached the server; nobody else may be offered the message.
constexpr Fate may_have_been_delivered(FailureCause cause, std::string_view sentence) {
  return Fate{
      Scope::transaction, RecipientStatus::deferred, cause, kFinal, true, sentence, Errc::ok};
}

constexpr std::uint8_t k2xx = 1 << 2, k3xx = 1 << 3, k4xx = 1 << 4, k5xx = 1 << 5;

struct ReplyRow {
  std::uint32_t stages;
  std::uint8_t classes;
  int code;  // 0, or the one code the row is about
  TlsRule tls;
  Fate fate;
};

using Status = RecipientStatus;
using Cause = FailureCause;

// One row per rule. An exact-code row takes precedence over the class rows; otherwise exactly
// one row matches each stage, reply class and TLS policy (checked below, at compile time).
constexpr std::array kReplyRows{
    // RFC 5321 §4.1.1.4 and SPEC.md "Protocol duties": a reply to end of data that comes while
    // the data is still being written ends the attempt. A 2xx (or 3xx) cannot be about the whole
    // message: a violation. A refusal is that reply's verdict; a 4xx leaves the next host free.
    // Even a 421 is read this way: it answers the message first.
    ReplyRow{at({Stage::data_block}), k2xx | k3xx, 0, TlsRule::any, host_trouble(Cause::protocol)},
    ReplyRow{at({Stage::data_block}), k4xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::deferred, Cause::temporary, kNextHost)},
    ReplyRow{at({Stage::data_block}), k5xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::failed, Cause::permanent, kFinal)},
    // RFC 5321 §3.8: 421 is the server closing the channel, whatever it answers.
    ReplyRow{except({Stage::data_block}), k4xx, 421, TlsRule::any, host_trouble()},
    // A positive or intermediate reply is the flow's business; only end of data settles.
    ReplyRow{except({Stage::data_block, Stage::end_of_data}), k2xx | k3xx, 0, TlsRule::any,
             goes_on()},
    ReplyRow{at({Stage::end_of_data}), k3xx, 0, TlsRule::any, goes_on()},
    ReplyRow{at({Stage::end_of_data}), k2xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::delivered, Cause::none, kFinal)},
    // RFC 5321 §3.1: a 4xx greeting is this host's passing trouble; a 5xx, the destination
    // refusing us.
    ReplyRow{at({Stage::greeting}), k4xx, 0, TlsRule::any, host_trouble()},
    ReplyRow{at({Stage::greeting}), k5xx, 0, TlsRule::any, destination_refuses(Cause::permanent)},
    // RFC 5321 §3.2: a server that refuses EHLO with 5xx may still speak plain SMTP (HELO).
    ReplyRow{at({Stage::ehlo}), k4xx, 0, TlsRule::any, host_trouble()},
    ReplyRow{at({Stage::ehlo}), k5xx, 0, TlsRule::any, goes_on()},
    ReplyRow{at({Stage::helo}), k4xx, 0, TlsRule::any, host_trouble()},
    ReplyRow{at({Stage::helo}), k5xx, 0, TlsRule::any, destination_refuses(Cause::permanent)},
    // RFC 3207 §4: a refused STARTTLS leaves the connection usable in clear, all the
    // opportunistic policy asks. Mandatory: a 4xx is this host's passing trouble (as Postfix
    // defers), a 5xx the policy not met (77, no other host: that would hide it behind a 75).
    ReplyRow{at({Stage::starttls}), k4xx | k5xx, 0, TlsRule::optional, goes_on()},
    ReplyRow{at({Stage::starttls}), k4xx, 0, TlsRule::mandatory, host_trouble()},
    ReplyRow{
        at({Stage::starttls}), k5xx, 0, TlsRule::mandatory,
        destination_refuses(Cause::policy, "{where} refused STARTTLS and --tls {tls} is in force",
                            Errc::tls_unavailable)},
    // RFC 4954 §4: 454 is temporary, 535 the credentials refused (77).
    ReplyRow{at({Stage::auth}), k4xx, 0, TlsRule::any, host_trouble()},
    ReplyRow{
        at({Stage::auth}), k5xx, 0, TlsRule::any,
        destination_refuses(Cause::policy, "{where} refused the credentials", Errc::auth_failed)},
    // A server that cannot reset cannot be trusted with another transaction: the session state
    // is unknown, whatever the class.
    ReplyRow{at({Stage::rset}), k4xx | k5xx, 0, TlsRule::any, host_trouble()},
    // 4xx to MAIL: the host is in trouble. 5xx: the sender is refused for this message; later
    // messages may still pass.
    ReplyRow{at({Stage::mail}), k4xx, 0, TlsRule::any, host_trouble()},
    ReplyRow{at({Stage::mail}), k5xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::failed, Cause::permanent, kFinal)},
    // RFC 5321 §4.5.3.1.10: 452 "too many recipients" asks for a further transaction.
    ReplyRow{at({Stage::rcpt}), k4xx, 452, TlsRule::any, Fate{Scope::held}},
    ReplyRow{at({Stage::rcpt}), k4xx, 0, TlsRule::any,
             settles(Scope::recipient, Status::deferred, Cause::temporary, kFinal)},
    ReplyRow{at({Stage::rcpt}), k5xx, 0, TlsRule::any,
             settles(Scope::recipient, Status::failed, Cause::rcpt_rejected, kFinal)},
    // DATA refused: about this transaction; a 4xx leaves the next host free to take it.
    ReplyRow{at({Stage::data}), k4xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::deferred, Cause::temporary, kNextHost)},
    ReplyRow{at({Stage::data}), k5xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::failed, Cause::permanent, kFinal)},
    // After end of data the host took the whole message and judged it: final either way
    // (another MX would risk a duplicate).
    ReplyRow{at({Stage::end_of_data}), k4xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::deferred, Cause::temporary, kFinal)},
    ReplyRow{at({Stage::end_of_data}), k5xx, 0, TlsRule::any,
             settles(Scope::transaction, Status::failed, Cause::permanent, kFinal)},
    // No reply is read while connecting, during the handshake or after QUIT; were one judged,
    // it would be this host's trouble.
    ReplyRow{at({Stage::connect, Stage::tls_handshake, Stage::quit}), k4xx | k5xx, 0, TlsRule::any,
             host_trouble()},
};

struct FailureRow {
  Failure failure;
  TlsRule tls;
  Fate fate;
};

// A failure without a reply is this host's trouble unless the row says otherwise.
constexpr std::array kFailureRows{
    FailureRow{Failure::timeout, TlsRule::any,
               host_trouble(Cause::temporary, "no reply within {seconds} s {stage} ({where})")},
    FailureRow{Failure::write_timeout, TlsRule::any,
               host_trouble(Cause::temporary, "timed out after {seconds} s {stage} ({where})")},
    FailureRow{Failure::eof, TlsRule::any,
               host_trouble(Cause::temporary, "connection closed {stage} ({where})")},
    FailureRow{Failure::io_error, TlsRule::any,
               host_trouble(Cause::temporary, "{error} {stage} ({where})")},
    // Nothing more the server says can be trusted: closed without QUIT, as Postfix does.
    FailureRow{Failure::protocol, TlsRule::any, host_trouble(Cause::protocol, "{detail}")},
    // RFC 1047: deferred, never reported delivered, never offered to another host.
    FailureRow{Failure::timeout_after_final_dot, TlsRule::any,
               may_have_been_delivered(Cause::temporary,
                                       "no reply within {seconds} s after end of data ({where})"
                                       "; the message may have been delivered")},
    FailureRow{Failure::lost_after_final_dot, TlsRule::any,
               may_have_been_delivered(Cause::temporary,
                                       "connection lost after end of data ({where})"
                                       "; the message may have been delivered")},
    FailureRow{
        Failure::protocol_after_final_dot, TlsRule::any,
        may_have_been_delivered(Cause::protocol, "{detail}; the message may have been delivered")},
    // SPEC.md "TLS": required/verify fail (77) if TLS cannot be set up, before MAIL FROM.
    // RFC 7435: without STARTTLS on offer the opportunistic policy sends in clear.
    FailureRow{Failure::tls_unavailable, TlsRule::optional, goes_on()},
    FailureRow{Failure::tls_unavailable, TlsRule::mandatory,
               destination_refuses(Cause::policy,
                                   "{where} does not offer STARTTLS and --tls {tls} is in force",
                                   Errc::tls_unavailable)},
    // After a failed handshake the connection's state is unknown: nothing more is said on it.
    // Opportunistic: the destination retries this address in clear (Postfix "may", RFC 7435).
    FailureRow{Failure::tls_handshake, TlsRule::optional,
               host_trouble(Cause::temporary, "TLS handshake with {where} failed: {error}",
                            Errc::tls_handshake_failed)},
    FailureRow{Failure::tls_handshake, TlsRule::mandatory,
               destination_refuses(Cause::policy,
                                   "TLS handshake with {where} failed: {error}; --tls {tls} is "
                                   "in force",
                                   Errc::tls_handshake_failed)},
    // RFC 8314: a TLS port never speaks SMTP in clear; there is nothing to fall back to.
    FailureRow{Failure::implicit_tls_handshake, TlsRule::any,
               destination_refuses(Cause::policy,
                                   "TLS handshake with {where} failed: {error} (implicit TLS, "
                                   "RFC 8314)",
                                   Errc::tls_handshake_failed)},
    // SPEC.md "Authentication": final for every recipient (77).
    FailureRow{Failure::auth, TlsRule::any, destination_refuses(Cause::policy, "{detail}")},
    // No caller data may inject a command (65).
    FailureRow{Failure::envelope_line_break, TlsRule::any,
               settles(Scope::transaction, Status::failed, Cause::message, kFinal,
                       "an envelope address contains a line break and cannot be sent to {where}",
                       Errc::message_malformed)},
    // RFC 1870 §6: sending it would only earn a 552.
    FailureRow{Failure::message_too_large, TlsRule::any,
               settles(Scope::transaction, Status::failed, Cause::permanent, kFinal,
                       "{detail} of {where}", Errc::message_too_large)},
    // RFC 6531 §3.6.4 gives 5.6.7; another host of the destination may offer SMTPUTF8 (or
    // 8BITMIME), so these are this host's limits and not final.
    FailureRow{Failure::smtputf8_recipient, TlsRule::any,
               settles(Scope::recipient, Status::failed, Cause::permanent, kNextHost,
                       "5.6.7 the message needs SMTPUTF8 (a UTF-8 address or header) and {where} "
                       "does not offer it",
                       Errc::smtputf8_unsupported)},
    FailureRow{Failure::smtputf8_message, TlsRule::any,
               settles(Scope::transaction, Status::failed, Cause::permanent, kNextHost,
                       "5.6.7 the message needs SMTPUTF8 (a UTF-8 address or header) and {where} "
                       "does not offer it",
                       Errc::smtputf8_unsupported)},
    FailureRow{Failure::eight_bit_unsupported, TlsRule::any,
               settles(Scope::transaction, Status::failed, Cause::message, kNextHost,
                       "the message has 8-bit content and {where} does not offer 8BITMIME",
                       Errc::eight_bit_unsupported)},
    FailureRow{
        Failure::seven_bit_unconvertible, TlsRule::any,
        settles(Scope::transaction, Status::failed, Cause::message, kNextHost,
                "{detail}, as {where} does not offer 8BITMIME", Errc::eight_bit_unsupported)},
    // RFC 5321 §4.5.3.1.10: if nobody was accepted, the server's limit is not the number of
    // recipients, and retrying here would loop.
    FailureRow{Failure::recipients_over_limit, TlsRule::any,
               settles(Scope::recipient, Status::deferred, Cause::temporary, kFinal)},
    FailureRow{Failure::recipients_over_limit_after_quit, TlsRule::any,
               settles(Scope::recipient, Status::deferred, Cause::temporary, kNextHost)},
    // No host can be given the message now: closed without the final dot, so the server
    // discards the partial message.
    FailureRow{Failure::input_unreadable, TlsRule::any,
               Fate{Scope::destination, Status::deferred, Cause::temporary, kFinal, false,
                    "{detail}; the message was not sent to {where}", Errc::input_unreadable}},
    FailureRow{Failure::refused_before_end, TlsRule::any,
               host_trouble(Cause::temporary,
                            "the connection was closed after {where} refused a message with "
                            "{detail} before its end",
                            Errc::reply_before_end_of_data)},
};

constexpr std::array kTlsPolicies{TlsPolicy::none, TlsPolicy::opportunistic, TlsPolicy::required,
                                  TlsPolicy::verify};

constexpr bool applies(TlsRule rule, TlsPolicy policy) {
  return rule == TlsRule::any || (rule == TlsRule::mandatory) == tls_mandatory(policy);
}

constexpr bool covers(const ReplyRow& row, Stage stage, int code, TlsPolicy tls) {
  const int reply_class = code / 100;
  return (row.stages & at({stage})) != 0 && (row.classes & (1 << reply_class)) != 0 &&
         (row.code == 0 || row.code == code) && applies(row.tls, tls);
}

// The row for a reply: an exact-code row first, else the class row.
constexpr const ReplyRow* find_reply_row(Stage stage, int code, TlsPolicy tls) {
  for (const ReplyRow& row : kReplyRows) {
    if (row.code != 0 && covers(row, stage, code, tls)) return &row;
  }
  for (const ReplyRow& row : kReplyRows) {
    if (row.code == 0 && covers(row, stage, code, tls)) return &row;
  }
  return nullptr;
}

constexpr int matches(Stage stage, int code, TlsPolicy tls, bool exact) {
  int n = 0;
  for (const ReplyRow& row : kReplyRows) {
    if ((row.code != 0) == exact && covers(row, stage, code, tls)) ++n;
  }
  return n;
}

// Every stage, reply class and policy has exactly one row, and 421 and 452 exactly one
// exact-code row or none, so no reply is judged by the order of the rows.
constexpr bool reply_table_complete() {
  for (std::size_t s = 0; s < kStageCount; ++s) {
    const auto stage = static_cast<Stage>(s);
    for (const TlsPolicy tls : kTlsPolicies) {
      for (const int code : {250, 354, 450, 550}) {
        if (matches(stage, code, tls, false) != 1) return false;
      }
      for (const int code : {421, 452}) {
        if (matches(stage, code, tls, true) > 1) return false;
      }
    }
  }
  return true;
}
static_assert(reply_table_complete(),
              "kReplyRows must judge every stage, class and TLS policy once");

constexpr bool failure_table_complete() {
  for (int f = 0; f <= static_cast<int>(Failure::refused_before_end); ++f) {
    for (const TlsPolicy tls : kTlsPolicies) {
      int n = 0;
      for (const FailureRow& row : kFailureRows) {
        if (static_cast<int>(row.failure) == f && applies(row.tls, tls)) ++n;
      }
      if (n != 1) return false;
    }
  }
  return true;
}
static_assert(failure_table_complete(),
              "kFailureRows must judge every failure and TLS policy once");

// What the scopes promise the session and the destination.
constexpr bool consistent(const Fate& fate) {
  if (fate.scope == Scope::host && (fate.final || fate.status != Status::deferred)) return false;
  if (fate.scope == Scope::destination && !fate.final) return false;
  if (fate.may_duplicate && (fate.scope != Scope::transaction || !fate.final)) return false;
  if (fate.scope == Scope::none || fate.scope == Scope::held) return true;
  switch (fate.status) {
    case Status::delivered:
      return fate.cause == Cause::none;
    case Status::deferred:
      return fate.cause == Cause::temporary || fate.cause == Cause::protocol;
    case Status::failed:
      return fate.cause != Cause::none && fate.cause != Cause::temporary;
    case Status::queued:  // only the queue makes a recipient queued, never the session
      return false;
  }
  return false;
}

constexpr bool rows_consistent() {
  for (const ReplyRow& row : kReplyRows) {
    if (!consistent(row.fate)) return false;
  }
  for (const FailureRow& row : kFailureRows) {
    if (!consistent(row.fate)) return false;
  }
  return true;
}
static_assert(rows_consistent(), "a row breaks what its scope promises");

// The public view of the rows (the class bits become one row per class for readability).
constexpr std::size_t public_reply_rows() {
  std::size_t n = 0;
  for (const ReplyRow& row : kReplyRows) {
    for (int c = 2; c <= 5; ++c) n += (row.classes & (1 << c)) != 0 ? 1 : 0;
  }
  return n;
}

constexpr std::array<ReplyRule, public_reply_rows()> kReplyRules = [] {
  std::array<ReplyRule, public_reply_rows()> rules{};
  std::size_t i = 0;
  for (const ReplyRow& row : kReplyRows) {
    for (int c = 2; c <= 5; ++c) {
      if ((row.classes & (1 << c)) != 0) rules[i++] = {row.stages, c, row.code, row.tls, row.fate};
    }
  }
  return rules;
}();

constexpr std::array<FailureRule, kFailureRows.size()> kFailureRules = [] {
  std::array<FailureRule, kFailureRows.size()> rules{};
  for (std::size_t i = 0; i < kFailureRows.size(); ++i) {
    rules[i] = {kFailureRows[i].failure, kFailureRows[i].tls, kFailureRows[i].fate};
  }
  return rules;
}();

}  // namespace

Fate classify(Stage stage, const Reply& reply, TlsPolicy tls) noexcept {
  if (const ReplyRow* row = find_reply_row(stage, reply.code, tls)) return row->fate;
  // The parser admits only 2xx..5xx (RFC 5321 §4.2.1), so this is not reached.
  return host_trouble(Cause::protocol);
}

Fate classify(Stage, Failure failure, TlsPolicy tls) noexcept {
  for (const FailureRow& row : kFailureRows) {
    if (row.failure == failure && applies(row.tls, tls)) return row.fate;
  }
  return host_trouble();  // not reached: the table is complete (static_assert above)
}

// One pass over the pattern: text the server or the caller supplied (an error message, a detail)
// is never scanned for placeholders.
std::string fill_sentence(std::string_view sentence, const SentenceFacts& facts) {
  std::string out;
  for (std::size_t i = 0; i < sentence.size();) {
    const std::size_t close = sentence[i] == '{' ? sentence.find('}', i) : std::string::npos;
    if (close == std::string::npos) {
      out += sentence[i++];
      continue;
    }
    const std::string_view name = sentence.substr(i + 1, close - i - 1);
    if (name == "where") {
      out += facts.where;
    } else if (name == "stage") {
      out += facts.stage;
    } else if (name == "seconds") {
      out += std::to_string(facts.timeout.count());
    } else if (name == "error") {
      out += facts.error;
    } else if (name == "tls") {
      out += facts.tls;
    } else if (name == "detail") {
      out += facts.detail;
    } else {
      out += sentence.substr(i, close - i + 1);
    }
    i = close + 1;
  }
  return out;
}

std::span<const ReplyRule> reply_rules() noexcept {
  return kReplyRules;
}

std::span<const FailureRule> failure_rules() noexcept {
  return kFailureRules;
}

std::string_view to_string(Scope scope) noexcept {
  switch (scope) {
    case Scope::none:
      return "none";
    case Scope::held:
      return "held";
    case Scope::recipient:
      return "recipient";
    case Scope::transaction:
      return "transaction";
    case Scope::host:
      return "host";
    case Scope::destination:
      return "destination";
  }
  return "?";
}

std::string_view to_string(Failure failure) noexcept {
  switch (failure) {
    case Failure::timeout:
      return "timeout";
    case Failure::write_timeout:
      return "write_timeout";
    case Failure::eof:
      return "eof";
    case Failure::io_error:
      return "io_error";
    case Failure::protocol:
      return "protocol";
    case Failure::timeout_after_final_dot:
      return "timeout_after_final_dot";
    case Failure::lost_after_final_dot:
      return "lost_after_final_dot";
    case Failure::protocol_after_final_dot:
      return "protocol_after_final_dot";
    case Failure::tls_unavailable:
      return "tls_unavailable";
    case Failure::tls_handshake:
      return "tls_handshake";
    case Failure::implicit_tls_handshake:
      return "implicit_tls_handshake";
    case Failure::auth:
      return "auth";
    case Failure::envelope_line_break:
      return "envelope_line_break";
    case Failure::message_too_large:
      return "message_too_large";
    case Failure::smtputf8_recipient:
      return "smtputf8_recipient";
    case Failure::smtputf8_message:
      return "smtputf8_message";
    case Failure::eight_bit_unsupported:
      return "eight_bit_unsupported";
    case Failure::seven_bit_unconvertible:
      return "seven_bit_unconvertible";
    case Failure::recipients_over_limit:
      return "recipients_over_limit";
    case Failure::recipients_over_limit_after_quit:
      return "recipients_over_limit_after_quit";
    case Failure::input_unreadable:
      return "input_unreadable";
    case Failure::refused_before_end:
      return "refused_before_end";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, Scope scope) {
  return os << to_string(scope);
}

std::ostream& operator<<(std::ostream& os, Failure failure) {
  return os << to_string(failure);
}

std::ostream& operator<<(std::ostream& os, const Fate& fate) {
  os << "Fate{" << fate.scope << ' ' << to_string(fate.status) << " cause=" << to_string(fate.cause)
     << (fate.final ? " final" : " next-host") << (fate.may_duplicate ? " may_duplicate" : "");
  if (!fate.sentence.empty()) os << " \"" << fate.sentence << '"';
  if (fate.error != Errc::ok) os << " error=" << make_error_code(fate.error).message();
  return os << '}';
}

}  // namespace smtpsend::smtp
