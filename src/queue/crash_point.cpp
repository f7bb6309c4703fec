// The crash-test seam (queue/crash_point.hpp; docs/decisions.md "Queue").
#include "smtpsend/queue/crash_point.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>

namespace smtpsend::queue {

void crash_point(std::string_view name) noexcept {
  const char* wanted = std::getenv("SMTPSEND_TEST_CRASH_AT");
  if (wanted == nullptr || name != wanted) return;
  // SIGKILL, not abort(): no handler, no flush, no destructor runs, as with kill -9.
  ::kill(::getpid(), SIGKILL);
}

}  // namespace smtpsend::queue
