// app/core_dumps: keeping secrets out of core files (SPEC.md "Authentication": secrets never
// appear in output; a core file is output that outlives the run).
#pragma once

namespace smtpsend::app {

// Makes this process unable to dump core: RLIMIT_CORE 0 (soft and hard, so no child we run can
// raise it back) and PR_SET_DUMPABLE 0, which also covers a core_pattern pipe that ignores the
// limit, and keeps ptrace and /proc/PID/mem from other processes of the same user. Called
// before a password or token is read; best effort, failures are ignored (the run goes on).
void forbid_core_dumps() noexcept;

}  // namespace smtpsend::app
