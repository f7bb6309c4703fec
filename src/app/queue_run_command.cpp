// `smtpsend queue run` and sendmail's -q (SPEC.md "Invocation").
#include "queue_delivery.hpp"
#include "smtpsend/cli/queue_run_command_line.hpp"
#include "smtpsend/cli/sendmail.hpp"
#include "smtpsend/report/failure_lines.hpp"

namespace smtpsend::app {
namespace {

// `smtpsend queue WORD ...`; `words` starts after "queue".
int queue_subcommand(std::span<const std::string> words, std::ostream& out, std::ostream& err) {
  if (!words.empty() && words[0] == "run") return queue_run_command(words.subspan(1), out, err);
  err << report::fatal_line("queue: unknown subcommand (run)") << '\n';
  return static_cast<int>(ExitCode::usage);
}

}  // namespace

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

std::optional<int> queue_invocation(int argc, char** argv, const std::vector<std::string>& args,
                                    std::ostream& out, std::ostream& err) {
  if (argc <= 0) return std::nullopt;
  // SPEC.md "Invocation": a link named mailq is `smtpsend queue list`.
  if (cli::invoked_as_mailq(argv[0])) {
    std::vector<std::string> words{"list"};
    words.insert(words.end(), args.begin(), args.end());
    return queue_subcommand(words, out, err);
  }
  if (!cli::invoked_as_sendmail(argv[0])) {
    if (args.empty() || args[0] != "queue") return std::nullopt;
    return queue_subcommand(std::span(args).subspan(1), out, err);
  }
  // sendmail -bp and -q, with the options given beside them (-C) passed on.
  const cli::SendmailArgs translated = cli::translate_sendmail_args(args);
  if (!translated.error.empty() || translated.subcommand.empty()) return std::nullopt;
  std::vector<std::string> words(translated.subcommand.begin() + 1, translated.subcommand.end());
  words.insert(words.end(), translated.smtpsend_args.begin(), translated.smtpsend_args.end());
  return queue_subcommand(words, out, err);
}

}  // namespace smtpsend::app
