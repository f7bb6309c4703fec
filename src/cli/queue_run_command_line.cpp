#include "smtpsend/cli/queue_run_command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <optional>

#include "smtpsend/cli/config_file.hpp"

namespace smtpsend::cli {
namespace {

QueueRunCommand failed(ExitCode code, std::string sentence) {
  QueueRunCommand out;
  out.exit_code = code;
  std::replace(sentence.begin(), sentence.end(), '\n', ' ');
  out.error = std::move(sentence);
  return out;
}

}  // namespace

QueueRunCommand parse_queue_run_command_line(std::span<const std::string> args,
                                             std::span<const std::string> default_config_paths) {
  CLI::App app{"smtpsend queue run: try what is due in the queue now", "smtpsend queue run"};
  QueueRunCommand command;
  std::optional<std::string> dir;
  std::optional<std::string> config;
  app.add_flag("--all", command.all, "every entry now, due or not (as sendmail -q)");
  app.add_option("--queue-dir", dir, "the queue directory")->type_name("DIR");
  app.add_option("-C,--config", config, "configuration file (for queue-dir)")->type_name("FILE");
  app.add_flag("-v", command.verbosity, "print the SMTP conversation on stderr");
  app.add_option("ID", command.ids, "entries to try now, due or not")->type_name("ID");
  std::vector<const char*> argv{"smtpsend queue run"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    command.output = app.help();
    return command;
  } catch (const CLI::ParseError& e) {
    return failed(ExitCode::usage, e.what());
  }
  if (dir) {
    if (dir->empty()) return failed(ExitCode::usage, "--queue-dir must not be empty");
    command.queue_dir = *dir;
  } else {
    const ConfigLoad load = load_config(config, default_config_paths, std::nullopt);
    if (!load.error.empty()) return failed(ExitCode::config, load.error);
    if (load.settings.queue_dir) command.queue_dir = load.settings.queue_dir->value;
  }
  command.run = true;
  return command;
}

QueueRunCommand parse_queue_run_command_line(std::span<const std::string> args) {
  return parse_queue_run_command_line(args, default_config_paths());
}

}  // namespace smtpsend::cli
