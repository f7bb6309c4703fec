// The queue options (SPEC.md "Queue"): --queue, --retry-min, --retry-max, --queue-lifetime,
// --bounce-to. Private to src/cli; command_line.cpp wires them in, the sendmail personality
// maps -odq onto --queue always.
#pragma once

#include <string>

#include "option_registration.hpp"
#include "smtpsend/cli/queue_request.hpp"

namespace smtpsend::cli {

// Usage errors (64): an unknown mode, a duration that is not one.
bool apply_queue_options(const RawOptions& raw, QueueRequest& out, std::string& error);

}  // namespace smtpsend::cli
