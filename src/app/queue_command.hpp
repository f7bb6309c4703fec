// app/queue_command (private): `smtpsend queue list|run|delete` (SPEC.md "Queue").
#pragma once

#include <ostream>
#include <span>
#include <string>

namespace smtpsend::app {

// `args` without the leading "queue"; returns the exit status.
int run_queue_command(std::span<const std::string> args, std::ostream& out, std::ostream& err);

}  // namespace smtpsend::app
