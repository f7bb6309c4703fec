// Postfix's backoff (minimal_backoff_time, doubling, maximal_backoff_time) with a little
// jitter, so a burst queued in one second does not come back in one second.
#include "smtpsend/queue/schedule.hpp"

#include <algorithm>
#include <random>

namespace smtpsend::queue {

std::int64_t next_try(const ScheduleSettings& settings, unsigned attempts, std::int64_t now,
                      double jitter) noexcept {
  if (attempts == 0) return now;
  const std::int64_t cap = std::max<std::int64_t>(settings.retry_max.count(), 0);
  std::int64_t delay = std::max<std::int64_t>(settings.retry_min.count(), 0);
  for (unsigned i = 1; i < attempts && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  jitter = std::clamp(jitter, 0.0, 1.0);
  const auto extra = static_cast<std::int64_t>(static_cast<double>(delay) * kMaxJitter * jitter);
  return now + std::min(delay + extra, cap);
}

bool expired(const ScheduleSettings& settings, std::int64_t arrival, std::int64_t now) noexcept {
  return now - arrival >= settings.lifetime.count();
}

double random_jitter() {
  std::random_device device;
  return std::uniform_real_distribution<double>(0.0, 1.0)(device);
}

}  // namespace smtpsend::queue
