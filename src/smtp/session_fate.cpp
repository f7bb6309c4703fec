// Settling recipients: the failure policy's verdict (failure_policy.cpp) with its diagnostics,
// written into the outcome table; and the connection failures, told as facts.
#include "session_impl.hpp"
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
  diag.detail = fill_sentence(
      fate.sentence, {peer, stage_info(stage).sentence, config_.timeouts.for_stage(stage), error,
                      to_string(config_.tls), detail});
  return Settlement{fate, std::move(diag)};
}

// The first verdict on a recipient stands: a later, vaguer failure must not overwrite it.
void Session::Impl::settle(std::size_t slot, Settlement verdict) {
  if (settled_[slot]) return;
  settled_[slot] = true;
  RecipientOutcome& out = outcomes_[slot];
  out.result.status = verdict.fate.status;
  out.result.cause = verdict.fate.cause;
  out.result.diag = std::move(verdict.diag);
  out.result.may_duplicate = verdict.fate.may_duplicate;
  out.final = verdict.fate.final;
  if (out.final && config_.progress != nullptr) {
    config_.progress->settled(out.result.message_index, out.result.address, out.result.status);
  }
}

void Session::Impl::settle_all(const std::vector<std::size_t>& slots, const Settlement& verdict) {
  for (const std::size_t slot : slots) settle(slot, verdict);
}

void Session::Impl::settle_unsettled(const Settlement& verdict) {
  for (std::size_t slot = 0; slot < outcomes_.size(); ++slot) settle(slot, verdict);
}

// RFC 1047: once the final dot may have reached the server, the message may have been
// delivered; it must neither be reported delivered nor be offered to another host.
bool Session::Impl::final_dot_outstanding() const noexcept {
  return final_dot_handed_out_ && tx_ && !tx_->accepted.empty();
}

// The facts: which failure, whether a write was under way, whether the final dot may have
// reached the server. What they mean is failure_policy.cpp's.
void Session::Impl::on_failure(Failure failure, std::error_code ec) {
  if (close_handed_out_) return;
  const bool writing = in_flight_.has_value();
  if (closing_) {
    in_flight_.reset();
    outgoing_.clear();  // a QUIT that cannot be written is not worth waiting for
    return;
  }
  if (final_dot_outstanding()) {
    const Failure after_dot = failure == Failure::timeout ? Failure::timeout_after_final_dot
                                                          : Failure::lost_after_final_dot;
    settle_all(tx_->accepted, judge(Stage::end_of_data, after_dot, ec));
  }
  if (writing && failure == Failure::timeout) failure = Failure::write_timeout;
  settle_unsettled(judge(last_stage_, failure, ec));
  abandon();
}

// Nothing more is sent or read on this connection: the transport gets Close next.
void Session::Impl::abandon() {
  riding_.reset();  // its recipients are settled with the rest
  start_tls_due_ = false;
  in_flight_.reset();
  awaited_.clear();
  outgoing_.clear();
  data_.reset();
  closing_ = true;
}

// The server broke the protocol: nothing more it says can be trusted, so the connection is
// closed without QUIT (Postfix does the same) and the next host may be tried.
void Session::Impl::violation(std::error_code ec, std::string detail) {
  if (final_dot_outstanding()) {
    settle_all(tx_->accepted, judge(last_stage_, Failure::protocol_after_final_dot, ec, detail));
  }
  settle_unsettled(judge(last_stage_, Failure::protocol, ec, detail));
  abandon();
}

void Session::Impl::unexpected_reply(Stage stage, const Reply& reply) {
  violation(make_error_code(Errc::unexpected_reply),
            "unexpected reply " + std::to_string(reply.code) + " " +
                std::string(stage_info(stage).sentence) + " (" + where() + ")");
}

SessionOutcome Session::Impl::outcome() const {
  return SessionOutcome{outcomes_, caps_, tls_failure_};
}

}  // namespace smtpsend::smtp
