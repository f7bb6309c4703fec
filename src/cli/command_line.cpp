#include "smtpsend/cli/command_line.hpp"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <string_view>

#include "compose_options.hpp"
#include "config_apply.hpp"
#include "dsn_options.hpp"
#include "option_registration.hpp"
#include "option_values.hpp"
#include "relay_options.hpp"
#include "smtpsend/cli/config_file.hpp"
#include "smtpsend/cli/recipients_file.hpp"
#include "tls_options.hpp"

namespace smtpsend::cli {
namespace {

// Option values as CLI11 hands them over; typed and checked afterwards by option_values so
// that every bad value gets the same style of sentence.
struct RawOptions {
  std::vector<std::string> messages;
  std::vector<std::string> recipients;
  std::optional<std::string> from;
  std::optional<std::string> qualify_domain;
  std::optional<std::string> recipients_file;
  std::vector<std::string> dns_servers;
  std::optional<std::string> mx_port;
  std::optional<std::string> helo;
  bool ipv4_only = false;
  bool ipv6_only = false;
  std::optional<std::string> max_parallel;
  std::optional<std::string> max_addresses;
  std::optional<std::string> timeout;
  std::optional<std::string> connect_timeout;
  std::optional<std::string> dns_timeout;
  std::optional<std::string> max_size;
  bool dry_run = false;
  int verbosity = 0;
  bool json = false;
  bool quiet = false;
  bool read_to_end = false;  // -i: accepted for sendmail compatibility, no effect
  bool each = false;
  bool version = false;
  TlsRawOptions tls;
  DsnRawOptions dsn;
  ComposeRawOptions compose;
  std::optional<std::string> config_file;
  std::optional<std::string> account;
  RelayRawOptions relay;
};

void add_message_options(CLI::App& app, RawOptions& raw) {
  repeated(app, "-m,--message", raw.messages,
           "an RFC 5322 message to send; - is stdin. Repeatable: several messages in one run "
           "share connections. Default: one message from stdin.",
           "FILE");
  app.add_flag("-i", raw.read_to_end, "(also -oi) accepted; smtpsend always reads to end of input");
}

void add_envelope_options(CLI::App& app, RawOptions& raw) {
  single(app, "-f,--from", raw.from,
         "envelope sender (MAIL FROM). Default: the address in From: (else Sender:), else "
         "$USER@<qualify-domain>. -f '' and -f '<>' are the null sender.",
         "ADDR");
  single(app, "--qualify-domain", raw.qualify_domain,
         "domain added to addresses without one (root -> root@DOMAIN); default: this host's FQDN",
         "DOMAIN");
  single(app, "--recipients-file", raw.recipients_file,
         "one recipient a line (blank lines and # comments ignored)", "FILE");
  app.add_flag("--each", raw.each,
               "one message of its own per recipient (a mailing): To: names only that "
               "recipient, Cc: is removed, each copy gets its own Message-ID");
  app.add_option("RECIPIENT", raw.recipients,
                 "envelope recipients (local@domain, local@[192.0.2.1], UTF-8 allowed); they "
                 "apply to every -m message")
      ->type_name("ADDRESS");
}

void add_routing_options(CLI::App& app, RawOptions& raw) {
  repeated(app, "--dns-server", raw.dns_servers,
           "DNS servers to use instead of the system's (repeatable)", "IP[:PORT]");
  single(app, "--mx-port", raw.mx_port, "port for MX hosts (default 25)", "PORT");
  single(app, "--helo", raw.helo,
         "EHLO name (default: this host's FQDN, else the local address as [literal])", "NAME");
  app.add_flag("-4", raw.ipv4_only, "IPv4 only");
  app.add_flag("-6", raw.ipv6_only, "IPv6 only");
  single(app, "--max-parallel", raw.max_parallel,
         "destinations delivered at the same time (default 8)", "N");
  single(app, "--max-addresses", raw.max_addresses,
         "addresses tried per destination, over all its MX hosts in order (default 5, as "
         "Postfix)",
         "N");
  single(app, "--timeout", raw.timeout,
         "overrides every SMTP stage timeout at once (defaults: RFC 5321 4.5.3.2)", "SECONDS");
  single(app, "--connect-timeout", raw.connect_timeout, "per address (default 30)", "SECONDS");
  single(app, "--dns-timeout", raw.dns_timeout,
         "whole DNS resolution of one destination (default 60); a timeout is a deferral",
         "SECONDS");
  single(app, "--max-size", raw.max_size,
         "largest message accepted as input, in bytes as read (default 1G; k, M, G, T are "
         "powers of 1024); larger is 65 with nothing sent",
         "SIZE");
  app.add_flag("--dry-run", raw.dry_run,
               "resolve and print the delivery plan (domains, MX hosts, addresses, TLS policy); "
               "send nothing");
}

void add_output_options(CLI::App& app, RawOptions& raw) {
  app.add_flag("-v", raw.verbosity,
               "print the SMTP conversation on stderr; -vv adds DNS and TLS detail");
  app.add_flag("--json", raw.json, "print one JSON document on stdout");
  app.add_flag("-q", raw.quiet, "print nothing but fatal errors");
  app.add_flag("--version", raw.version, "print the version and exit");
}

void add_config_options(CLI::App& app, RawOptions& raw) {
  single(app, "-C,--config", raw.config_file,
         "configuration file (default: $XDG_CONFIG_HOME/smtpsend/config.toml, else "
         "/etc/smtpsend.toml); the command line overrides it",
         "FILE");
  single(app, "-A,--account", raw.account,
         "use the [account.NAME] table of the configuration file over its [defaults]", "NAME");
}

void build_app(CLI::App& app, RawOptions& raw) {
  app.set_help_flag("-h,--help", "print this help and exit");
  app.footer(
      "Success is silent; each failed or deferred recipient gets one line on stderr.\n"
      "Exit status: 0 all delivered, 64 usage, 65 malformed message or address, 66 input "
      "unreadable,\n67 every failure a 5xx to RCPT, 68 no such domain or null MX, 69 other "
      "permanent failure,\n70 internal error, 71 system error, 75 deferred (try again later), "
      "76 protocol violation, 77 authentication failed or TLS policy not met,\n78 bad "
      "configuration file.\n"
      "Called through a link named sendmail, it takes sendmail's options (see smtpsend(1)).");
  add_message_options(app, raw);
  add_compose_options(app, raw.compose);
  add_envelope_options(app, raw);
  add_routing_options(app, raw);
  add_relay_options(app, raw.relay);
  add_tls_options(app, raw.tls);
  add_auth_options(app, raw.relay);
  add_dsn_options(app, raw.dsn);
  add_output_options(app, raw);
  add_config_options(app, raw);
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

// CLI11's sentences are good but sometimes span lines; the contract is one line.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

bool uses_stdin_twice(const RawOptions& raw) {
  const auto stdin_messages = std::count(raw.messages.begin(), raw.messages.end(), kStdinPath);
  // A composed message reads its body from stdin unless --body names a file.
  const bool messages_from_stdin =
      stdin_messages > 0 ||
      (raw.messages.empty() && raw.compose.body.value_or(kStdinPath) == kStdinPath);
  return stdin_messages > 1 || (raw.recipients_file == kStdinPath && messages_from_stdin);
}

bool apply_routing(const RawOptions& raw, delivery::DeliveryOptions& out, std::string& error) {
  if (raw.ipv4_only && raw.ipv6_only) {
    error = "-4 and -6 cannot be used together";
    return false;
  }
  out.family = raw.ipv4_only   ? dns::AddressFamily::ipv4
               : raw.ipv6_only ? dns::AddressFamily::ipv6
                               : dns::AddressFamily::any;
  for (const auto& server : raw.dns_servers) {
    if (!check_dns_server("--dns-server", server, error)) return false;
  }
  out.dns_servers = raw.dns_servers;
  if (raw.mx_port && !parse_port("--mx-port", *raw.mx_port, out.mx_port, error)) return false;
  if (raw.helo && !check_helo_name("--helo", *raw.helo, error)) return false;
  if (raw.max_parallel &&
      !parse_parallel("--max-parallel", *raw.max_parallel, out.max_parallel, error)) {
    return false;
  }
  if (raw.max_addresses &&
      !parse_address_limit("--max-addresses", *raw.max_addresses, out.max_addresses, error)) {
    return false;
  }
  if (raw.timeout) {
    std::chrono::seconds every_stage{};
    if (!parse_seconds("--timeout", *raw.timeout, every_stage, error)) return false;
    out.timeouts.stages.every_stage = every_stage;
  }
  if (raw.connect_timeout &&
      !parse_seconds("--connect-timeout", *raw.connect_timeout, out.timeouts.connect, error)) {
    return false;
  }
  return !raw.dns_timeout ||
         parse_seconds("--dns-timeout", *raw.dns_timeout, out.dns_timeout, error);
}

// Checks what CLI11 cannot and fills `request`; false with `error` on a usage error.
bool build_request(const RawOptions& raw, const HostIdentity& host, Request& request,
                   std::string& error) {
  if (raw.quiet && raw.verbosity > 0) {
    error = "-q and -v cannot be used together";
    return false;
  }
  if (uses_stdin_twice(raw)) {
    error = "stdin ('-') can be read only once";
    return false;
  }
  if (raw.qualify_domain && !check_qualify_domain("--qualify-domain", *raw.qualify_domain, error))
    return false;
  if (!apply_routing(raw, request.delivery, error)) return false;
  if (raw.max_size && !parse_size("--max-size", *raw.max_size, request.max_size, error)) {
    return false;
  }
  if (!apply_tls_options(raw.tls, request.delivery.tls, error)) return false;
  if (!apply_dsn_options(raw.dsn, request.dsn, error)) return false;
  if (!apply_compose_options(raw.compose, !raw.messages.empty(), request, error)) return false;
  if (!raw.messages.empty()) request.message_paths = raw.messages;
  request.recipients = raw.recipients;
  request.from = raw.from;
  request.qualify_domain = raw.qualify_domain.value_or(host.fqdn);
  request.recipients_file = raw.recipients_file.value_or("");
  // Empty: no dotted name is known, so each session greets with its local address literal
  // (RFC 5321 §4.1.4) rather than a made-up name (delivery/helo_name.hpp).
  request.delivery.helo_name = raw.helo.value_or(host.qualified ? host.fqdn : "");
  request.verbosity = raw.verbosity;
  request.each = raw.each;
  request.json = raw.json;
  request.quiet = raw.quiet;
  request.dry_run = raw.dry_run;
  return true;
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
bool apply_config_file(const RawOptions& raw, const CLI::App& app,
                       std::span<const std::string> default_config_paths, Request& request,
                       ConfigSettings& settings, std::string& path, std::string& error) {
  ConfigLoad load = load_config(raw.config_file, default_config_paths, raw.account);
  if (!load.error.empty()) {
    error = load.error;
    return false;
  }
  apply_config(
      load.settings, [&app](const std::string& option) { return app.count(option) > 0; }, request);
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
  CLI::App app{
      "smtpsend: send RFC 5322 messages by SMTP, straight to each domain's MX hosts or "
      "through a submission server (--relay)",
      "smtpsend"};
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
    return usage_error(one_line(e.what()));
  }
  if (raw.version) return print_and_exit(version_text());

  Request request;
  std::string error;
  if (!build_request(raw, host, request, error)) return usage_error(std::move(error));
  ConfigSettings file;
  std::string file_path;
  if (!apply_config_file(raw, app, default_config_paths, request, file, file_path, error)) {
    return stop(ExitCode::config, std::move(error));
  }
  ExitCode code = ExitCode::usage;
  if (!apply_relay_and_auth(raw.relay, FileSettings{file, file_path}, app.count("--tls") > 0,
                            request, error, code)) {
    return stop(code, std::move(error));
  }
  if (!request.recipients_file.empty() &&
      !read_recipients_file(request.recipients_file, request.recipients, error)) {
    return stop(ExitCode::no_input, std::move(error));
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
  CLI::App app{
      "smtpsend: send RFC 5322 messages by SMTP, straight to each domain's MX hosts or "
      "through a submission server (--relay)",
      "smtpsend"};
  RawOptions raw;
  build_app(app, raw);
  return app.help();
}

std::string version_text() {
  return fmt::format("smtpsend {}\n", SMTPSEND_VERSION);
}

}  // namespace smtpsend::cli
