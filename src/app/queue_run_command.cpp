// `smtpsend queue run` and sendmail's -q (SPEC.md "Invocation").
#include "queue_delivery.hpp"
#include "smtpsend/cli/queue_run_command_line.hpp"
#include "smtpsend/report/failure_lines.hpp"

namespace smtpsend::app {

int queue_run_command(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const cli::QueueRunCommand command = cli::parse_queue_run_command_line(args);
  if (!command.run) {
    out << command.output;
    if (!command.error.empty()) err << report::fatal_line(command.error) << '\n';
    return static_cast<int>(command.exit_code);
  }
  QueueRunRequest request;
  request.dir = command.queue_dir;
  request.all = command.all;
  request.ids = command.ids;
  request.verbosity = command.verbosity;
  return static_cast<int>(run_queue(request, cli::this_host_identity(), err));
}

}  // namespace smtpsend::app
