// Settling recipients: the outcome values, their diagnostics, and the sentences used when no
// reply can be quoted (SPEC.md "Output").
#include "impl.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {
namespace {

constexpr std::string_view kMayBeDelivered = "; the message may have been delivered";

}  // namespace

std::string Session::Impl::where() const {
  return config_.peer.host + "[" + config_.peer.ip + "]";
}

Diagnostics Session::Impl::diagnostics(Stage stage) const {
  Diagnostics diag;
  diag.stage = std::string(stage_info(stage).sentence);
  diag.host = config_.peer.host;
  diag.ip = config_.peer.ip;
  return diag;
}

Diagnostics Session::Impl::diagnostics(Stage stage, const Reply& reply) const {
  Diagnostics diag = diagnostics(stage);
  diag.reply = reply.to_server_reply();
  return diag;
}

// A 4xx defers (cause temporary), a 5xx fails with the given cause. `final` says whether the
// destination may still try its next host for these recipients.
Fate Session::Impl::reply_fate(Stage stage, const Reply& reply, FailureCause permanent_cause,
                               bool final) const {
  Fate fate;
  fate.status = reply.permanent() ? RecipientStatus::failed : RecipientStatus::deferred;
  fate.cause = reply.permanent() ? permanent_cause : FailureCause::temporary;
  fate.final = final;
  fate.diag = diagnostics(stage, reply);
  return fate;
}

// RFC 1047: once the final dot may have reached the server, the message may have been
// delivered; it must neither be reported delivered nor be offered to another host.
bool Session::Impl::final_dot_outstanding() const noexcept {
  return pipeline_.final_dot_handed_out && mail_.tx && !mail_.tx->accepted.empty();
}

void Session::Impl::on_failure(Failure failure, std::error_code ec) {
  if (pipeline_.close_handed_out) return;
  const bool writing = pipeline_.in_flight.has_value();
  if (pipeline_.closing) {
    pipeline_.in_flight.reset();
    pipeline_.outgoing.clear();  // a QUIT that cannot be written is not worth waiting for
    return;
  }
  if (final_dot_outstanding()) {
    Fate fate;
    fate.may_duplicate = true;
    fate.diag = diagnostics(Stage::end_of_data);
    fate.diag.error = ec;
    fate.diag.detail = after_end_of_data_sentence(failure);
    recipients_.settle_all(mail_.tx->accepted, fate);
  }
  Fate fate;
  fate.final = false;
  fate.diag = diagnostics(pipeline_.last_stage);
  fate.diag.error = ec;
  fate.diag.detail = failure_sentence(failure, ec, writing);
  recipients_.settle_unsettled(fate);
  abandon();
}

std::string Session::Impl::after_end_of_data_sentence(Failure failure) const {
  if (failure == Failure::timeout) {
    return "no reply within " +
           std::to_string(config_.timeouts.for_stage(Stage::end_of_data).count()) +
           " s after end of data (" + where() + ")" + std::string(kMayBeDelivered);
  }
  return "connection lost after end of data (" + where() + ")" + std::string(kMayBeDelivered);
}

// "no reply within 300 s while sending RCPT TO (mx.example.net[192.0.2.1])"
std::string Session::Impl::failure_sentence(Failure failure, std::error_code ec,
                                            bool writing) const {
  const std::string tail =
      std::string(stage_info(pipeline_.last_stage).sentence) + " (" + where() + ")";
  const std::string seconds =
      std::to_string(config_.timeouts.for_stage(pipeline_.last_stage).count());
  switch (failure) {
    case Failure::timeout:
      return (writing ? "timed out after " : "no reply within ") + seconds + " s " + tail;
    case Failure::eof:
      return "connection closed " + tail;
    case Failure::io_error:
      return ec.message() + " " + tail;
  }
  return tail;
}

// Nothing more is sent or read on this connection: the transport gets Close next.
void Session::Impl::abandon() {
  mail_.riding.reset();  // its recipients are settled with the rest
  handshake_.start_tls_due = false;
  pipeline_.stop();
}

// The server broke the protocol: nothing more it says can be trusted, so the connection is
// closed without QUIT (Postfix does the same) and the next host may be tried.
void Session::Impl::violation(std::error_code ec, std::string detail) {
  Diagnostics diag = diagnostics(pipeline_.last_stage);
  diag.error = ec;
  if (final_dot_outstanding()) {
    Fate fate;
    fate.cause = FailureCause::protocol;
    fate.may_duplicate = true;
    fate.diag = diag;
    fate.diag.detail = detail + std::string(kMayBeDelivered);
    recipients_.settle_all(mail_.tx->accepted, fate);
  }
  Fate fate;
  fate.cause = FailureCause::protocol;
  fate.final = false;
  fate.diag = std::move(diag);
  fate.diag.detail = std::move(detail);
  recipients_.settle_unsettled(fate);
  abandon();
}

void Session::Impl::unexpected_reply(Stage stage, const Reply& reply) {
  violation(make_error_code(Errc::unexpected_reply),
            "unexpected reply " + std::to_string(reply.code) + " " +
                std::string(stage_info(stage).sentence) + " (" + where() + ")");
}

SessionOutcome Session::Impl::outcome() const {
  return SessionOutcome{recipients_.outcomes(), handshake_.caps, handshake_.tls_failure};
}

}  // namespace smtpsend::smtp
