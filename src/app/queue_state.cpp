#include "queue_state.hpp"

namespace smtpsend::app {

queue::LastReply last_reply_of(const RecipientResult& result) {
  const Diagnostics& diag = result.diag;
  if (diag.reply) return {diag.reply->code, diag.reply->enhanced, diag.reply->text};
  std::string text = diag.detail;
  if (text.empty() && diag.error) text = diag.error.message();
  return {0, {}, text};
}

Settled settle(queue::RecipientState& state, const RecipientResult& result,
               const queue::ScheduleSettings& schedule, std::int64_t arrival, std::int64_t now,
               double jitter) {
  state.last_reply = last_reply_of(result);
  if (!result.diag.host.empty() || !result.diag.ip.empty()) {
    state.host = result.diag.host;
    state.ip = result.diag.ip;
  }
  if (is_configuration_trouble(result)) {
    // Nothing was tried on the recipient's behalf: no attempt counted, no schedule moved.
    if (state.status == queue::RecipientStatus::in_flight)
      state.status = queue::RecipientStatus::pending;
    return Settled::held;
  }
  ++state.attempts;
  switch (result.status) {
    case RecipientStatus::delivered:
      state.status = queue::RecipientStatus::delivered;
      return Settled::delivered;
    case RecipientStatus::failed:
      state.status = queue::RecipientStatus::failed;
      return Settled::failed;
    case RecipientStatus::deferred:
    case RecipientStatus::queued:
      break;
  }
  // RFC 1047: lost after the final dot; the next attempt may make a second copy.
  if (result.may_duplicate) state.may_duplicate = true;
  if (queue::expired(schedule, arrival, now)) {
    state.status = queue::RecipientStatus::expired;
    return Settled::expired;
  }
  state.status = queue::RecipientStatus::pending;
  state.next_try = queue::next_try(schedule, state.attempts, now, jitter);
  return Settled::waiting;
}

}  // namespace smtpsend::app
