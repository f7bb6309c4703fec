// SMTP AUTH (RFC 4954) inside the session: when it is sent, which mechanism, and what each
// reply means. The mechanisms themselves are in ../sasl/; this file only carries their lines.
//
// AUTH is not pipelined: RFC 4954 §4 lets a server answer 334 at any point, so MAIL FROM waits
// for the 235. A failure settles every recipient before MAIL FROM is ever sent.
#include "impl.hpp"

namespace smtpsend::smtp {
namespace {

std::string offered_list(const std::vector<std::string>& mechanisms) {
  std::string list;
  for (const std::string& name : mechanisms) list += (list.empty() ? "" : " ") + name;
  return list;
}

// "334 <base64>": the challenge is the whole text of the reply (one line by RFC 4954 §4).
std::string_view challenge_text(const Reply& reply) {
  return reply.lines.empty() ? std::string_view{} : std::string_view{reply.lines.front()};
}

// The hint names only what can work: --tls required helps only a server that offers STARTTLS
// (RFC 3207); to one that does not, credentials can go only in clear, if the user says so.
std::string plaintext_refusal(const std::string& where, bool offers_starttls) {
  const std::string refusal = "refusing to send credentials to " + where + " without TLS";
  if (offers_starttls) {
    return refusal + " (it offers STARTTLS: use --tls required, or --allow-plaintext-auth)";
  }
  return refusal + " (it does not offer STARTTLS; --allow-plaintext-auth sends them in clear)";
}

}  // namespace

bool Session::Impl::wants_auth() const noexcept {
  return config_.settings.auth != nullptr && !handshake_.authenticated;
}

// SPEC.md "Authentication": credentials never cross a connection without TLS unless the user
// said so; "auto" takes the strongest mechanism both sides have (sasl.hpp choose_mechanism).
void Session::Impl::start_auth() {
  const AuthSettings& auth = *config_.settings.auth;
  if (!handshake_.tls_active && !auth.allow_plaintext) {
    fail_auth(Errc::auth_without_tls, plaintext_refusal(where(), handshake_.caps.starttls));
    return;
  }
  if (handshake_.caps.auth_mechanisms.empty()) {
    fail_auth(Errc::auth_unavailable, where() + " does not offer AUTH");
    return;
  }
  const std::optional<SaslMechanism> mechanism =
      choose_mechanism(handshake_.caps.auth_mechanisms, auth.preference);
  if (!mechanism) {
    const std::string wanted = auth.preference.requested
                                   ? "--auth " + std::string(to_string(*auth.preference.requested))
                                   : std::string("any mechanism smtpsend supports");
    fail_auth(Errc::auth_unavailable, where() + " offers AUTH " +
                                          offered_list(handshake_.caps.auth_mechanisms) + ", not " +
                                          wanted);
    return;
  }
  handshake_.sasl = make_sasl_client(*mechanism, auth.credentials, *auth.crypto);
  const SaslStep initial = handshake_.sasl->start();
  if (initial.error) {
    fail_auth(Errc::auth_failed, "AUTH " + std::string(to_string(*mechanism)) + " with " + where() +
                                     " could not start: " + initial.error.message());
    return;
  }
  AuthCommand command = auth_command(*mechanism, initial, *auth.crypto);
  handshake_.pending_initial_response = std::move(command.pending_initial_response);
  send_command(command.command.wire, command.command.transcript_form, Stage::auth,
               Expectation{Awaited::auth});
}

// RFC 4954 §4: 334 continues, 235 succeeds; a 4xx (454) or 5xx (535) is judged by the policy.
void Session::Impl::on_auth(const Reply& reply) {
  if (reply.code == 334) {
    answer_challenge(reply);
  } else if (reply.code == 235) {
    on_authenticated();
  } else {
    settle_auth_failure(judge(Stage::auth, reply));
    quit_and_close();
  }
}

void Session::Impl::answer_challenge(const Reply& reply) {
  const SaslCrypto& crypto = *config_.settings.auth->crypto;
  if (handshake_.pending_initial_response) {
    // The initial response did not fit on the AUTH line and answers this first, empty 334.
    const SaslLine line = std::move(*handshake_.pending_initial_response);
    handshake_.pending_initial_response.reset();
    send_command(line.wire, line.transcript_form, Stage::auth, Expectation{Awaited::auth});
    return;
  }
  const std::optional<std::string> challenge = decode_challenge(challenge_text(reply), crypto);
  if (!challenge) {
    cancel_auth(Errc::sasl_challenge_malformed,
                where() + " sent a SASL challenge that is not base64");
    return;
  }
  const SaslStep step = handshake_.sasl->step(*challenge);
  if (step.error) {
    std::string detail = "AUTH " + std::string(to_string(handshake_.sasl->mechanism())) + " with " +
                         where() + " failed: " + step.error.message();
    if (!handshake_.sasl->server_error().empty())
      detail += " (" + std::string(handshake_.sasl->server_error()) + ")";
    cancel_auth(step.error == Errc::sasl_challenge_malformed ? Errc::sasl_challenge_malformed
                                                             : Errc::auth_failed,
                std::move(detail));
    return;
  }
  const SaslLine line = response_line(step, crypto);
  send_command(line.wire, line.transcript_form, Stage::auth, Expectation{Awaited::auth});
}

// A 235 is believed only once the mechanism agrees: SCRAM must have verified the server's
// signature (RFC 5802 §5.1), or a man in the middle could fake success.
void Session::Impl::on_authenticated() {
  const std::error_code proof = handshake_.sasl->on_success();
  if (proof) {
    fail_auth(Errc::auth_failed,
              where() + " announced AUTH success without proving it knows the credentials (" +
                  proof.message() + ")");
    return;
  }
  handshake_.authenticated = true;
  handshake_.sasl.reset();
  start_next_transaction();
}

// Authentication or its preconditions failed (failure_policy.cpp: Failure::auth), then QUIT.
void Session::Impl::fail_auth(Errc error, std::string detail) {
  settle_auth_failure(judge(Stage::auth, Failure::auth, make_error_code(error), detail));
  quit_and_close();
}

// RFC 4954 §4: in the middle of an exchange the client cancels with "*" before QUIT.
void Session::Impl::cancel_auth(Errc error, std::string detail) {
  settle_auth_failure(judge(Stage::auth, Failure::auth, make_error_code(error), detail));
  pipeline_.awaited.clear();
  pipeline_.outgoing.clear();
  send_command("*", Stage::auth, std::nullopt);
  send_quit();
}

void Session::Impl::settle_auth_failure(const Settlement& verdict) {
  recipients_.settle_as_judged(verdict);
  handshake_.sasl.reset();
  handshake_.pending_initial_response.reset();
}

}  // namespace smtpsend::smtp
