// STARTTLS (RFC 3207) under the TLS policy: when to ask for it, what a refusal means for each
// policy, and what must be forgotten once the handshake is done.
#include "impl.hpp"

namespace smtpsend::smtp {

bool Session::Impl::wants_starttls() const noexcept {
  return config_.tls != TlsPolicy::none && !handshake_.tls_active && !config_.implicit_tls;
}

// RFC 3207 §4: 220 means "go ahead". A refusal leaves the connection usable in clear, which is
// all the opportunistic policy asks; a mandatory policy cannot send mail on it. A 4xx under a
// mandatory policy is this host's passing trouble (the next MX may do, as Postfix defers); a
// 5xx is the policy not met (77).
void Session::Impl::on_starttls(const Reply& reply) {
  if (reply.positive()) {
    handshake_.start_tls_due = true;
    return;
  }
  if (!tls_mandatory(config_.tls)) {
    start_next_transaction();
    return;
  }
  if (reply.transient()) {
    recipients_.settle_unsettled(reply_fate(Stage::starttls, reply, FailureCause::policy, false));
    quit_and_close();
    return;
  }
  refuse_for_policy(Errc::tls_unavailable,
                    where() + " refused STARTTLS and --tls " + std::string(to_string(config_.tls)) +
                        " is in force",
                    &reply);
}

// RFC 3207 §4.2: the client must discard what it knew from the server before TLS, and SHOULD
// send EHLO again; nothing parsed in clear may survive into the protected session.
void Session::Impl::on_tls_established() {
  if (!handshake_.start_tls_due || pipeline_.closing) return;
  handshake_.start_tls_due = false;
  handshake_.tls_active = true;
  // Implicit TLS (RFC 8314 §3.3): the handshake came first; the greeting is read next.
  if (!pipeline_.awaited.empty() && pipeline_.awaited.front().what == Awaited::greeting) return;
  handshake_.caps = Capabilities{};
  pipeline_.parser.reset();
  send_command("EHLO " + config_.helo_name, Stage::ehlo, Expectation{Awaited::ehlo});
}

// The connection is unusable after a failed handshake (its state is unknown), so nothing more
// is said on it. Opportunistic: this host is abandoned for now and the destination may retry it
// in clear (Postfix "may" does the same). Mandatory: the policy cannot be met (77).
void Session::Impl::on_tls_failed(std::error_code ec) {
  if (!handshake_.start_tls_due || pipeline_.closing) return;
  handshake_.start_tls_due = false;
  pipeline_.last_stage = Stage::tls_handshake;
  const std::string sentence = "TLS handshake with " + where() + " failed: " + ec.message();
  Fate fate;
  fate.diag = diagnostics(Stage::tls_handshake);
  fate.diag.error = make_error_code(Errc::tls_handshake_failed);
  if (config_.implicit_tls) {
    // A TLS port never speaks SMTP in clear: there is nothing to fall back to.
    fate.status = RecipientStatus::failed;
    fate.cause = FailureCause::policy;
    fate.diag.detail = sentence + " (implicit TLS, RFC 8314)";
  } else if (tls_mandatory(config_.tls)) {
    fate.status = RecipientStatus::failed;
    fate.cause = FailureCause::policy;
    fate.diag.detail = sentence + "; --tls " + std::string(to_string(config_.tls)) + " is in force";
  } else {
    fate.final = false;
    fate.diag.detail = sentence;
    handshake_.tls_failure = sentence;
  }
  recipients_.settle_unsettled(fate);
  abandon();
}

// CVE-2011-0411: bytes that arrive after the 220 but before the handshake were sent in clear
// and could be a man-in-the-middle's commands replayed as if protected. They are never parsed:
// dropped, said in -v, and the session goes on under TLS with a new EHLO (RFC 3207 §4.2, as
// Postfix does; SPEC.md "Protocol duties").
void Session::Impl::bytes_before_handshake(std::size_t count) {
  transcript(TranscriptKind::info,
             "discarded " + std::to_string(count) +
                 " bytes the server sent after its 220 reply to STARTTLS, before the TLS "
                 "handshake (CVE-2011-0411)");
}

// The TLS policy cannot be met on this connection: final, cause policy (exit 77), before any
// MAIL FROM (SPEC.md "TLS").
void Session::Impl::refuse_for_policy(Errc error, std::string detail, const Reply* reply) {
  Fate fate;
  fate.status = RecipientStatus::failed;
  fate.cause = FailureCause::policy;
  fate.diag = reply ? diagnostics(Stage::starttls, *reply) : diagnostics(Stage::starttls);
  fate.diag.error = make_error_code(error);
  fate.diag.detail = std::move(detail);
  recipients_.settle_unsettled(fate);
  quit_and_close();
}

}  // namespace smtpsend::smtp
