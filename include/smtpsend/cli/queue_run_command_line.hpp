// cli/queue_run_command_line: `smtpsend queue run [--all] [--queue-dir DIR] [-C FILE] [-v]
// [ID...]` (SPEC.md "Invocation", "Queue"). Its own small parser; the queue directory comes from
// --queue-dir, else the configuration file's `queue-dir`, else the default (empty here).
// Errors: 64 for a usage error, 78 for a bad configuration file, with one sentence.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend::cli {

struct QueueRunCommand {
  bool run = false;  // false: print `output` (help) or `error`, exit with `exit_code`
  bool all = false;
  std::vector<std::string> ids;
  std::string queue_dir;  // empty: queue::default_queue_dir()
  int verbosity = 0;
  ExitCode exit_code = ExitCode::ok;
  std::string output;
  std::string error;
};

// `args` are those after "queue run".
QueueRunCommand parse_queue_run_command_line(std::span<const std::string> args,
                                             std::span<const std::string> default_config_paths);
QueueRunCommand parse_queue_run_command_line(std::span<const std::string> args);

}  // namespace smtpsend::cli
