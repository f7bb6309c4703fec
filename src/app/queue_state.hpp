// What one delivery attempt does to a queued recipient's state (SPEC.md "Queue"), as a pure
// function: no clock, no randomness, no files (the caller passes now and the jitter). Private to
// src/app; tested by tests/unit/app/queue_state_test.cpp.
#pragma once

#include <cstdint>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/queue/envelope.hpp"
#include "smtpsend/queue/schedule.hpp"

namespace smtpsend::app {

enum class Settled {
  delivered,  // 2xx after end of data: done
  waiting,    // deferred: pending again, next try by the schedule
  failed,     // permanent: done, bounced (unless should_bounce says no)
  expired,    // deferred past queue-lifetime: done, bounced
  held,       // configuration trouble (AUTH refused, TLS policy): unchanged but for the reply
};

// Configuration trouble is held, not bounced (SPEC.md "Queue": the entry stays and the run
// exits 77, so that cron mails the administrator): authentication refused or the TLS policy not
// met (FailureCause::policy).
constexpr bool is_configuration_trouble(const RecipientResult& result) noexcept {
  return result.status == RecipientStatus::failed && result.cause == FailureCause::policy;
}

// A result that settle() held, once the first attempt reported it `queued`.
constexpr bool is_configuration_trouble_cause(const RecipientResult& result) noexcept {
  return result.cause == FailureCause::policy;
}

// Applies `result` (the attempt's outcome for this recipient) to `state`. `arrival` is the
// entry's; `jitter` in [0, 1) (queue::random_jitter()).
Settled settle(queue::RecipientState& state, const RecipientResult& result,
               const queue::ScheduleSettings& schedule, std::int64_t arrival, std::int64_t now,
               double jitter);

// The stored form of an attempt's reply, or of its one sentence when no server replied.
queue::LastReply last_reply_of(const RecipientResult& result);

}  // namespace smtpsend::app
