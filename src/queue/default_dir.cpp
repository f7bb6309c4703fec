// Where the queue lives when --queue-dir is not given (SPEC.md "Queue"; XDG Base Directory
// Specification 0.8: $XDG_STATE_HOME, default $HOME/.local/state, must be absolute).
#include <unistd.h>

#include <cstdlib>

#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {

std::optional<std::filesystem::path> default_queue_dir(unsigned uid, const QueueEnvironment& env) {
  if (uid == 0) return std::filesystem::path("/var/spool/smtpsend");
  if (!env.xdg_state_home.empty() && env.xdg_state_home.front() == '/') {
    return std::filesystem::path(env.xdg_state_home) / "smtpsend" / "queue";
  }
  if (!env.home.empty()) return std::filesystem::path(env.home) / ".local/state/smtpsend/queue";
  return std::nullopt;
}

std::optional<std::filesystem::path> default_queue_dir() {
  QueueEnvironment env;
  if (const char* value = std::getenv("XDG_STATE_HOME")) env.xdg_state_home = value;
  if (const char* value = std::getenv("HOME")) env.home = value;
  return default_queue_dir(static_cast<unsigned>(::geteuid()), env);
}

}  // namespace smtpsend::queue
