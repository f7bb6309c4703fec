// The queue's subcommands as sendmail and mailq reach them (SPEC.md "Invocation"): sendmail -bp
// is `queue list`, -q `queue run --all`, a link named mailq `queue list`; and `smtpsend queue`.
#include "queue_command.hpp"
#include "queue_delivery.hpp"
#include "smtpsend/cli/queue_command_line.hpp"
#include "smtpsend/cli/sendmail.hpp"

namespace smtpsend::app {

std::optional<int> queue_invocation(int argc, char** argv, const std::vector<std::string>& args,
                                    std::ostream& out, std::ostream& err) {
  if (argc <= 0) return std::nullopt;
  if (cli::invoked_as_mailq(argv[0])) {
    std::vector<std::string> words{"list"};
    words.insert(words.end(), args.begin(), args.end());
    return run_queue_command(words, out, err);
  }
  if (!cli::invoked_as_sendmail(argv[0])) {
    if (!cli::is_queue_command(args)) return std::nullopt;
    return run_queue_command(std::span(args).subspan(1), out, err);
  }
  // sendmail -bp and -q, with the options given beside them (-C) passed on.
  const cli::SendmailArgs translated = cli::translate_sendmail_args(args);
  if (!translated.error.empty() || translated.subcommand.empty()) return std::nullopt;
  std::vector<std::string> words(translated.subcommand.begin() + 1, translated.subcommand.end());
  words.insert(words.end(), translated.smtpsend_args.begin(), translated.smtpsend_args.end());
  return run_queue_command(words, out, err);
}

}  // namespace smtpsend::app
