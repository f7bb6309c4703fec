// `smtpsend queue list|run|delete`: its own small CLI11 parser (helper-common: one per
// subcommand word), so the sending command line's options and rules do not apply to it.
#include "smtpsend/cli/queue_command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "config_file.hpp"
#include "usage_sentence.hpp"

namespace smtpsend::cli {
namespace {

QueueCommandLine stop(ExitCode code, std::string sentence) {
  QueueCommandLine result;
  result.exit_code = code;
  result.error = std::move(sentence);
  return result;
}

struct Parsed {
  QueueCommand command;
  std::optional<std::string> queue_dir;
  std::optional<std::string> config;
  std::optional<std::string> account;
};

void add_shared_options(CLI::App& app, Parsed& p) {
  app.add_option("--queue-dir", p.queue_dir, "the mail queue (default: see smtpsend --help)")
      ->type_name("DIR");
  app.add_option("-C,--config", p.config, "configuration file (its queue-dir key)")
      ->type_name("FILE");
  app.add_option("-A,--account", p.account, "account of the configuration file")->type_name("NAME");
}

}  // namespace

QueueCommandLine parse_queue_command_line(std::span<const std::string> args) {
  return parse_queue_command_line(args, default_config_paths());
}

QueueCommandLine parse_queue_command_line(std::span<const std::string> args,
                                          std::span<const std::string> default_config_paths) {
  CLI::App app{"Show, run and delete the mail queue.", "smtpsend queue"};
  Parsed p;
  add_shared_options(app, p);
  app.require_subcommand(1, 1);
  CLI::App* list =
      app.add_subcommand("list", "list the queued entries and their recipients' state");
  list->add_flag("--json", p.command.json, "one JSON document instead of text");
  CLI::App* run = app.add_subcommand("run", "try the due entries now (or the named ones)");
  run->add_flag("--all", p.command.all, "also entries whose next try has not come yet");
  run->add_option("ID", p.command.ids, "entries to run")->type_name("ID");
  // SPEC.md "-v", as when sending; sendmail -q -v comes here too.
  run->add_flag("-v,--verbose", p.command.verbosity,
                "print each delivery's SMTP conversation on stderr (-vv: DNS and TLS detail too)");
  CLI::App* remove = app.add_subcommand("delete", "delete entries without sending them");
  remove->add_option("ID", p.command.ids, "entries to delete")->type_name("ID")->required();
  for (CLI::App* sub : {list, run, remove}) sub->fallthrough();

  std::vector<const char*> argv{"smtpsend queue"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    QueueCommandLine help;
    help.output = app.help();
    return help;
  } catch (const CLI::ParseError& e) {
    if (!list->parsed() && !run->parsed() && !remove->parsed()) {
      const std::vector<std::string> extras = app.remaining();
      return stop(ExitCode::usage, extras.empty()
                                       ? "queue: a subcommand is required: list, run or delete"
                                       : "queue: unknown subcommand '" + extras.front() +
                                             "'; use list, run or delete");
    }
    return stop(ExitCode::usage, "queue: " + usage_sentence(e));
  }
  p.command.action = list->parsed()  ? QueueCommand::Action::list
                     : run->parsed() ? QueueCommand::Action::run
                                     : QueueCommand::Action::remove;
  if (p.queue_dir) {
    if (p.queue_dir->empty()) return stop(ExitCode::usage, "--queue-dir must not be empty");
    p.command.queue_dir = *p.queue_dir;
  } else {
    ConfigLoad load = load_config(p.config, default_config_paths, p.account);
    if (!load.error.empty()) return stop(ExitCode::config, std::move(load.error));
    if (std::optional<std::string> directory = load.settings.path(Option::queue_dir)) {
      p.command.queue_dir = std::move(*directory);
    }
  }
  QueueCommandLine result;
  result.command = std::move(p.command);
  return result;
}

}  // namespace smtpsend::cli
