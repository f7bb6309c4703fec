// queue/crash_point: the test seam for the crash tests (docs/decisions.md "Queue"): at each
// named step the process kills itself with SIGKILL when SMTPSEND_TEST_CRASH_AT names it, so a
// test sees exactly what a power cut or `kill -9` at that step leaves on disk.
//
// Costs one getenv per step; does nothing unless the variable is set.
#pragma once

#include <string_view>

namespace smtpsend::queue {

// The steps (shared design): enqueue's, the state update's, and delivery's around the dot.
inline constexpr std::string_view kCrashEnqueueAfterWrite = "enqueue:after-write";
inline constexpr std::string_view kCrashEnqueueAfterFsync = "enqueue:after-fsync";
inline constexpr std::string_view kCrashEnqueueAfterRename = "enqueue:after-rename";
inline constexpr std::string_view kCrashEnqueueAfterDirFsync = "enqueue:after-dir-fsync";
inline constexpr std::string_view kCrashUpdateBeforeRename = "update:before-rename";
inline constexpr std::string_view kCrashUpdateAfterRename = "update:after-rename";
inline constexpr std::string_view kCrashDeliverBeforeDot = "deliver:before-dot";
inline constexpr std::string_view kCrashDeliverAfterReply = "deliver:after-reply";

// Raises SIGKILL on this process when $SMTPSEND_TEST_CRASH_AT equals `name`.
void crash_point(std::string_view name) noexcept;

}  // namespace smtpsend::queue
