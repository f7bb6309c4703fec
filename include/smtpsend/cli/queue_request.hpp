// cli/queue_request: what one run asks of the queue (SPEC.md "Queue"): the mode and the
// schedule's settings, from --queue, --retry-min, --retry-max, --queue-lifetime, --bounce-to
// and their configuration keys. Plain values; the queue/ module does the work.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace smtpsend::cli {

enum class QueueMode {
  never,     // a deferred recipient ends the run with 75 (smtpsend's default)
  deferred,  // deferred recipients are kept and retried; the run exits 0 (sendmail's default)
  always,    // queued without trying now (sendmail -odq)
};

// SPEC.md "Queue": Postfix's schedule (minimal_backoff_time 300s, maximal_backoff_time 4000s,
// maximal_queue_lifetime 5d).
inline constexpr std::chrono::seconds kDefaultRetryMin{300};
inline constexpr std::chrono::seconds kDefaultRetryMax{4000};
inline constexpr std::chrono::seconds kDefaultQueueLifetime{5 * 24 * 3600};

struct QueueRequest {
  // --queue or the file's `queue`; empty: the personality's default (queue_mode()).
  std::optional<QueueMode> mode;
  std::chrono::seconds retry_min = kDefaultRetryMin;
  std::chrono::seconds retry_max = kDefaultRetryMax;
  std::chrono::seconds lifetime = kDefaultQueueLifetime;
  std::string bounce_to;  // empty: bounces go to the envelope sender
};

// The mode in force: the one asked for, else `never` for smtpsend and `deferred` under the
// sendmail name (cron's mail must survive a greylisting server without anyone retrying).
constexpr QueueMode queue_mode(const QueueRequest& request, bool as_sendmail) noexcept {
  if (request.mode) return *request.mode;
  return as_sendmail ? QueueMode::deferred : QueueMode::never;
}

// "never", "deferred", "always"; nullopt for anything else.
std::optional<QueueMode> parse_queue_mode(std::string_view text) noexcept;
std::string_view to_string(QueueMode mode) noexcept;

}  // namespace smtpsend::cli
