// cli/queue_command_line: `smtpsend queue list|run|delete` (SPEC.md "Queue"), a small command
// line of its own, dispatched before the sending command line when the first argument is
// "queue" (app/run.cpp).
//
// Owns: the subcommand's grammar, its --help, where the queue directory comes from
// (--queue-dir, else the configuration file's queue-dir key, else empty: app asks
// queue::default_queue_dir()). Errors: a usage error is 64, a configuration file that cannot be
// used 78, one sentence each.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend::cli {

struct QueueCommand {
  enum class Action { list, run, remove };
  Action action = Action::list;
  bool json = false;             // queue list --json
  bool all = false;              // queue run --all: also entries not yet due
  std::vector<std::string> ids;  // queue run ID..., queue delete ID...
  int verbosity = 0;             // queue run -v: each delivery's SMTP conversation; -vv more
  std::string queue_dir;         // empty: the default directory
};

struct QueueCommandLine {
  std::optional<QueueCommand> command;  // set exactly when there is work to do
  ExitCode exit_code = ExitCode::ok;
  std::string output;  // --help text for stdout
  std::string error;   // one sentence for stderr, without "smtpsend: "
};

// The first argument names the subcommand.
inline bool is_queue_command(std::span<const std::string> args) {
  return !args.empty() && args.front() == "queue";
}

// `args` without the leading "queue".
QueueCommandLine parse_queue_command_line(std::span<const std::string> args);
QueueCommandLine parse_queue_command_line(std::span<const std::string> args,
                                          std::span<const std::string> default_config_paths);

}  // namespace smtpsend::cli
