// STARTTLS (RFC 3207) under the TLS policy: when to ask for it, what a refusal means for each
// policy, and what must be forgotten once the handshake is done.
#include "impl.hpp"

namespace smtpsend::smtp {

bool Session::Impl::wants_starttls() const noexcept {
  return config_.tls != TlsPolicy::none && !handshake_.tls_active && !config_.implicit_tls;
}

// RFC 3207 §4: 220 means "go ahead". What a refusal means depends on the policy
// (failure_policy.cpp): mail goes on in clear, or the connection ends.
void Session::Impl::on_starttls(const Reply& reply) {
  if (reply.positive()) {
    handshake_.start_tls_due = true;
    return;
  }
  const Settlement verdict = judge(Stage::starttls, reply);
  if (verdict.fate.scope == Scope::none) {
    start_next_transaction();
    return;
  }
  recipients_.settle_as_judged(verdict);
  quit_and_close();
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
// is said on it. When the policy makes it this host's trouble (opportunistic), the sentence
// tells the destination it may retry the host in clear (SessionOutcome::tls_failure).
void Session::Impl::on_tls_failed(std::error_code ec) {
  if (!handshake_.start_tls_due || pipeline_.closing) return;
  handshake_.start_tls_due = false;
  pipeline_.last_stage = Stage::tls_handshake;
  const Failure failure =
      config_.implicit_tls ? Failure::implicit_tls_handshake : Failure::tls_handshake;
  const Settlement verdict = judge(Stage::tls_handshake, failure, ec);
  if (verdict.fate.scope == Scope::host) handshake_.tls_failure = verdict.diag.detail;
  recipients_.settle_as_judged(verdict);
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

}  // namespace smtpsend::smtp
