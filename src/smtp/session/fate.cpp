// Failures: the failure policy's verdict (../failure_policy.cpp, classify()) with its
// diagnostics and sentence, which the recipient table settles (parts.cpp); and the connection
// failures, told as facts.
#include "impl.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {

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

Settlement Session::Impl::judge(Stage stage, const Reply& reply) const {
  return settlement(classify(stage, reply, config_.tls), diagnostics(stage, reply), stage, {}, {});
}

Settlement Session::Impl::judge(Stage stage, Failure failure, std::error_code ec,
                                std::string_view detail) const {
  return settlement(classify(stage, failure, config_.tls), diagnostics(stage), stage, ec, detail);
}

// A message this host cannot take as it is, found before MAIL FROM: no stage to name.
Settlement Session::Impl::judge_before_mail(Failure failure, std::string_view detail) const {
  Diagnostics diag;
  diag.host = config_.peer.host;
  diag.ip = config_.peer.ip;
  return settlement(classify(Stage::mail, failure, config_.tls), std::move(diag), Stage::mail, {},
                    detail);
}

// The error is the policy's when it names one, else the event's; the sentence is the policy's.
Settlement Session::Impl::settlement(const Fate& fate, Diagnostics diag, Stage stage,
                                     std::error_code ec, std::string_view detail) const {
  diag.error = fate.error != Errc::ok ? make_error_code(fate.error) : ec;
  const std::string peer = where();
  const std::string error = ec ? ec.message() : std::string();
  const std::chrono::seconds limit = config_.settings.timeouts.for_stage(stage);
  diag.detail = fill_sentence(fate.sentence, {peer, stage_info(stage).sentence, limit, error,
                                              to_string(config_.tls), detail});
  return Settlement{fate, std::move(diag)};
}

// RFC 1047: once the final dot may have reached the server, the message may have been
// delivered; it must neither be reported delivered nor be offered to another host.
bool Session::Impl::final_dot_outstanding() const noexcept {
  return pipeline_.final_dot_handed_out && mail_.tx && !mail_.tx->accepted.empty();
}

// The facts: which failure, whether a write was under way, whether the final dot may have
// reached the server. What they mean is failure_policy.cpp's.
void Session::Impl::on_failure(Failure failure, std::error_code ec) {
  if (pipeline_.close_handed_out) return;
  const bool writing = pipeline_.in_flight.has_value();
  if (pipeline_.closing) {
    pipeline_.drop_in_flight();
    pipeline_.outgoing.clear();  // a QUIT that cannot be written is not worth waiting for
    return;
  }
  if (final_dot_outstanding()) {
    const Failure after_dot = failure == Failure::timeout ? Failure::timeout_after_final_dot
                                                          : Failure::lost_after_final_dot;
    recipients_.settle_as_judged(judge(Stage::end_of_data, after_dot, ec), mail_.tx->accepted);
  }
  if (writing && failure == Failure::timeout) failure = Failure::write_timeout;
  recipients_.settle_as_judged(judge(pipeline_.last_stage, failure, ec));
  abandon();
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
  if (final_dot_outstanding()) {
    recipients_.settle_as_judged(
        judge(pipeline_.last_stage, Failure::protocol_after_final_dot, ec, detail),
        mail_.tx->accepted);
  }
  recipients_.settle_as_judged(judge(pipeline_.last_stage, Failure::protocol, ec, detail));
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
