#include "smtpsend/cli/command_line.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <string_view>

#include "compose_options.hpp"
#include "config_file.hpp"
#include "config_keys.hpp"
#include "option_registration.hpp"
#include "option_table.hpp"
#include "relay_options.hpp"
#include "smtpsend/cli/aliases_file.hpp"
#include "smtpsend/cli/recipients_file.hpp"
#include "tls_options.hpp"
#include "usage_sentence.hpp"

namespace smtpsend::cli {
namespace {

// --help's first line.
constexpr const char* kDescription =
    "smtpsend: send RFC 5322 messages by SMTP, straight to each domain's MX hosts or through a "
    "submission server (--relay)";

void build_app(CLI::App& app, RawOptions& raw) {
  app.footer(
      "Success is silent; each failed or deferred recipient gets one line on stderr.\n"
      "Exit status: 0 all delivered (or queued), 64 usage, 65 malformed message or address, 66 "
      "input unreadable,\n67 every failure a 5xx to RCPT, 68 no such domain or null MX, 69 other "
      "permanent failure,\n70 internal error, 71 system error, 75 deferred (try again later), "
      "76 protocol violation, 77 authentication failed or TLS policy not met,\n78 bad "
      "configuration file.\n"
      "Called through a link named sendmail, it takes sendmail's options (see smtpsend(1)); "
      "there --queue is deferred by default.\n"
      "smtpsend queue list|run|delete: the queue (smtpsend queue --help).\n"
      "smtpsend doctor: may this host send mail direct? (smtpsend doctor --help)\n"
      "smtpsend dkim keygen: make a DKIM key and print its DNS record (smtpsend dkim --help).");
  raw.register_with(app);
}

// Two spellings CLI11 misreads, fixed before it parses: "-oi" (sendmail's -i) would be -o with
// the value "i", so it is dropped unless it follows "--" or is the value of the option before
// it; "--from=" would take the next argument as its value, so the empty value is made explicit
// ("--from=" is the null sender).
std::vector<std::string> normalized_args(std::span<const std::string> args, const CLI::App& app) {
  std::vector<std::string> kept;
  bool positional_only = false;
  for (const auto& arg : args) {
    const bool previous_wants_value = [&] {
      if (kept.empty() || positional_only) return false;
      const std::string& previous = kept.back();
      if (!previous.starts_with('-') || previous.find('=') != std::string::npos) return false;
      const CLI::Option* option = app.get_option_no_throw(previous);
      return option != nullptr && option->get_items_expected_min() > 0;
    }();
    if (!positional_only && !previous_wants_value) {
      if (arg == "--") positional_only = true;
      if (arg == "-oi") continue;
      if (arg.starts_with("--") && arg.size() > 3 && arg.back() == '=') {
        kept.push_back(arg.substr(0, arg.size() - 1));
        kept.emplace_back();
        continue;
      }
    }
    kept.push_back(arg);
  }
  return kept;
}

CommandLine stop(ExitCode code, std::string sentence) {
  CommandLine result;
  result.exit_code = code;
  result.error = std::move(sentence);
  return result;
}

CommandLine usage_error(std::string sentence) {
  return stop(ExitCode::usage, std::move(sentence));
}

CommandLine print_and_exit(std::string text) {
  CommandLine result;
  result.output = std::move(text);
  return result;
}

bool uses_stdin_twice(const RawOptions& raw) {
  const std::vector<std::string>& messages = raw.texts(Option::message);
  const auto stdin_messages = std::count(messages.begin(), messages.end(), kStdinPath);
  // A composed message reads its body from stdin unless --body names a file.
  const bool messages_from_stdin =
      stdin_messages > 0 ||
      (messages.empty() && raw.text(Option::body).value_or(kStdinPath) == kStdinPath);
  return stdin_messages > 1 ||
         (raw.text(Option::recipients_file) == kStdinPath && messages_from_stdin);
}

// The rules over several options that come before any value is read.
bool check_combinations(const RawOptions& raw, std::string& error) {
  if (raw.flag(Option::quiet) && raw.count(Option::verbose) > 0) {
    error = "-q and -v cannot be used together";
    return false;
  }
  if (uses_stdin_twice(raw)) {
    error = "stdin ('-') can be read only once";
    return false;
  }
  if (raw.flag(Option::ipv4_only) && raw.flag(Option::ipv6_only)) {
    error = "-4 and -6 cannot be used together";
    return false;
  }
  if (raw.text(Option::tls_key) && !raw.text(Option::tls_cert)) {
    error = "--tls-key needs --tls-cert";
    return false;
  }
  return true;
}

// The host's defaults, then each option given, through its row's conversion (option_table.cpp);
// false with `error` on a usage error.
bool build_request(const RawOptions& raw, const HostIdentity& host, Request& request,
                   std::string& error) {
  if (!check_combinations(raw, error)) return false;
  request.qualify_domain = host.fqdn;
  // Empty: no dotted name is known, so each session greets with its local address literal
  // (RFC 5321 §4.1.4) rather than a made-up name (delivery/helo_name.hpp).
  request.delivery.helo_name = host.qualified ? host.fqdn : "";
  for (const OptionSpec& spec : option_table()) {
    if (spec.apply == nullptr || !raw.given(spec.id)) continue;
    if (!spec.apply(raw.input(spec.id), request, error)) return false;
  }
  return check_composition(request, !raw.texts(Option::message).empty(), error);
}

// A password in argv is visible to every local user (/proc/PID/cmdline). It is looked for before
// CLI11 parses anything, so the hint is never hidden behind another mistake on the same line
// ("--password x --bogus") and CLI11 never holds a copy of the value.
bool password_on_command_line(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--password" || arg.starts_with("--password=")) return true;
  }
  return false;
}

// What may be echoed of an argument CLI11 did not expect: a misspelled option's value can be a
// secret ("--pass=hunter2", "-phunter2"), so only the option's name is shown.
std::string shown_name(const std::string& arg) {
  if (arg.starts_with("--")) return arg.substr(0, arg.find('='));
  if (arg.starts_with('-') && arg.size() > 2) return arg.substr(0, 2);
  return arg;
}

std::string unexpected_arguments(const CLI::App& app) {
  const std::vector<std::string> extras = app.remaining();
  std::string names;
  for (const std::string& arg : extras) names += (names.empty() ? "" : " ") + shown_name(arg);
  // CLI11's own sentence, with the names only.
  return fmt::format("The following {} not expected: {}",
                     extras.size() > 1 ? "arguments were" : "argument was", names);
}

// The file's settings go under the command line's: apply_config skips every option given.
// `settings` keeps the file's values for the relay/AUTH step that follows.
bool apply_config_file(const RawOptions& raw, std::span<const std::string> default_config_paths,
                       Request& request, ConfigSettings& settings, std::string& path,
                       std::string& error) {
  ConfigLoad load =
      load_config(raw.text(Option::config), default_config_paths, raw.text(Option::account));
  if (!load.error.empty()) {
    error = load.error;
    return false;
  }
  if (!apply_config(
          load.settings, load.path, [&raw](Option id) { return raw.given(id); }, request, error)) {
    return false;
  }
  settings = std::move(load.settings);
  path = std::move(load.path);
  return true;
}

}  // namespace

CommandLine parse_command_line(std::span<const std::string> args, const HostIdentity& host) {
  return parse_command_line(args, host, default_config_paths());
}

CommandLine parse_command_line(std::span<const std::string> args, const HostIdentity& host,
                               std::span<const std::string> default_config_paths) {
  CLI::App app{kDescription, "smtpsend"};
  RawOptions raw;
  build_app(app, raw);
  if (password_on_command_line(args)) {
    return usage_error(
        "a password is never accepted on the command line; use --password-file, "
        "--password-cmd or SMTPSEND_PASSWORD");
  }
  const std::vector<std::string> kept = normalized_args(args, app);
  std::vector<const char*> argv{"smtpsend"};
  for (const auto& arg : kept) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    return print_and_exit(app.help());
  } catch (const CLI::ExtrasError&) {
    return usage_error(unexpected_arguments(app));
  } catch (const CLI::ParseError& e) {
    return usage_error(usage_sentence(e));
  }
  if (raw.flag(Option::version)) return print_and_exit(version_text());

  Request request;
  std::string error;
  if (!build_request(raw, host, request, error)) return usage_error(std::move(error));
  ConfigSettings file;
  std::string file_path;
  if (!apply_config_file(raw, default_config_paths, request, file, file_path, error)) {
    return stop(ExitCode::config, std::move(error));
  }
  request.account = raw.text(Option::account).value_or("");
  request.config_path = file_path;
  ExitCode code = ExitCode::usage;
  if (!apply_relay_and_auth(raw, FileSettings{file, file_path}, raw.given(Option::tls), request,
                            error, code)) {
    return stop(code, std::move(error));
  }
  if (!request.recipients_file.empty() &&
      !read_recipients_file(request.recipients_file, request.recipients, error)) {
    return stop(ExitCode::no_input, std::move(error));
  }
  if (!request.aliases_path.empty() &&
      !read_aliases_file(request.aliases_path, request.aliases, error)) {
    return stop(ExitCode::config, std::move(error));
  }
  // With -t the message may still supply them; finding none there is 64 too (app/envelopes).
  if (request.recipients.empty() && !request.read_recipients) {
    return usage_error("no recipients given");
  }
  if (!check_tls_files(request.delivery.tls, error)) {
    return stop(ExitCode::no_input, std::move(error));
  }
  CommandLine result;
  result.request = std::move(request);
  return result;
}

std::string help_text() {
  CLI::App app{kDescription, "smtpsend"};
  RawOptions raw;
  build_app(app, raw);
  return app.help();
}

std::string version_text() {
  return fmt::format("smtpsend {}\n", SMTPSEND_VERSION);
}

}  // namespace smtpsend::cli
