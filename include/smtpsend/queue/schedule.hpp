// queue/schedule: when a queued recipient is tried again, and when it is given up (SPEC.md
// "Queue": Postfix's schedule, minimal_backoff_time doubling up to maximal_backoff_time,
// maximal_queue_lifetime).
//
// Pure: the clock and the random jitter are arguments, so the unit tests inject them. No I/O.
#pragma once

#include <chrono>
#include <cstdint>

namespace smtpsend::queue {

struct ScheduleSettings {
  std::chrono::seconds retry_min{300};          // retry-min: passes a 300 s greylisting
  std::chrono::seconds retry_max{4000};         // retry-max
  std::chrono::seconds lifetime{5 * 24 * 3600}; // queue-lifetime, counted from arrival
};

// Jitter as a fraction in [0, 1): the delay grows by up to 10 % of itself, so the entries of
// one burst (cron at :00) do not all come back in the same second.
inline constexpr double kMaxJitter = 0.10;

// `attempts`: how many attempts were made (1 after the first). The delay is retry_min ×
// 2^(attempts − 1), plus jitter × kMaxJitter of it, never above retry_max; attempts 0 is due
// at `now`. Returns Unix seconds.
std::int64_t next_try(const ScheduleSettings& settings, unsigned attempts, std::int64_t now,
                      double jitter) noexcept;

// True once `lifetime` has passed since `arrival` (both Unix seconds).
bool expired(const ScheduleSettings& settings, std::int64_t arrival, std::int64_t now) noexcept;

// A jitter fraction in [0, 1) from the C++ random device, for the callers that are not tests.
double random_jitter();

}  // namespace smtpsend::queue
