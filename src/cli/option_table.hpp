// Every smtpsend option, written once (issue 11): its command-line spelling, the shape of its
// value, its --help line, the TOML form of its configuration key (SPEC.md "Configuration": the
// keys are the long option names) and the one conversion that puts its value into the Request,
// whether the command line or the file gave it. CLI parsing and --help (command_line.cpp), the
// configuration reader (config_keys.cpp) and the test that docs/cli.md, docs/configuration.md
// and docs/smtpsend.1 list every option all read this table. A new option is an enum value, a
// row and the Request field it fills. Private to src/cli. The sendmail personality keeps its
// own grammar (sendmail_args.cpp) and emits these options.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::cli {

// In --help order (the table's order; option_table.cpp static_asserts it).
enum class Option : std::uint8_t {
  help,
  message,
  read_to_end,
  read_recipients,
  from_name,
  subject,
  header,
  body,
  attach,
  from,
  qualify_domain,
  recipients_file,
  aliases,
  each,
  recipients,
  dns_server,
  mx_port,
  helo,
  ipv4_only,
  ipv6_only,
  max_parallel,
  max_addresses,
  timeout,
  connect_timeout,
  dns_timeout,
  max_size,
  dry_run,
  relay,
  smtps,
  tls,
  ca_file,
  ca_path,
  tls_cert,
  tls_key,
  user,
  password_file,
  password_cmd,
  auth,
  oauth_token_cmd,
  allow_plaintext_auth,
  dsn_notify,
  dsn_return,
  dsn_envid,
  dkim,
  dkim_domain,
  queue,
  queue_dir,
  retry_min,
  retry_max,
  queue_lifetime,
  verbose,
  json,
  quiet,
  version,
  config,
  account,
  // Configuration keys with no option of their own.
  family,     // -4 / -6
  password,   // never on the command line (it would be visible in /proc/PID/cmdline)
  bounce_to,  // read by `queue run` from the entry's configuration file when it bounces
};
inline constexpr std::size_t kOptionCount = static_cast<std::size_t>(Option::bounce_to) + 1;

enum class Shape {
  help_flag,   // -h, --help: CLI11's own flag
  flag,        // present or not (-4, --dry-run)
  counted,     // -v, -vv: how many times
  value,       // one value; given twice, the last one counts (as most Unix tools)
  values,      // one value per occurrence, repeatable
  positional,  // RECIPIENT...
  key_only,    // a configuration key with no option
};

// What the configuration file may do with it: refuse it, with the reason, or take it as a key of
// [defaults] and [account.NAME], named as the long option, in one TOML form.
enum class InFile {
  no_key,             // no key at all ("unknown key"): -i, -4, -6, RECIPIENT
  command_line_only,  // describes one invocation: a file setting it would change every run
  composing_only,     // composes one message from this run's input; refused with that reason
  // Keys, by the TOML value they take (config_keys.cpp turns each into the option's text):
  text,       // a string, not empty
  any_text,   // a string, empty allowed (from = "" is the null sender, as -f '')
  integer,    // an integer (mx-port = 2525)
  size,       // a string such as "500M" or an integer of bytes
  duration,   // a string such as "5m" or an integer of seconds
  boolean,    // true or false
  text_list,  // a string or an array of strings (dns-server, dkim)
  secret,     // the password: a string, kept as a Secret, never a command-line value
};

constexpr bool is_file_key(InFile in_file) noexcept {
  return in_file != InFile::no_key && in_file != InFile::command_line_only &&
         in_file != InFile::composing_only;
}

struct Request;  // smtpsend/cli/command_line.hpp

// One option's value from one source, as its conversion sees it.
struct OptionInput {
  // As a sentence names it: "--mx-port", "-4" on the command line, the key in a file
  // ("mx-port must be a port number ...").
  std::string_view name;
  std::span<const std::string> texts;  // value: one (the last given); values, positional: each
  bool flag = false;                   // flag: given; a boolean key: its value
  int count = 0;                       // counted: how many times
  bool in_file = false;                // false: the command line
  // The configuration file's directory: relative file names in a file are taken from there
  // (a cron job's working directory is rarely the one the user had in mind).
  std::string_view directory;

  const std::string& text() const { return texts.back(); }
  // As a sentence that starts with it names it: the key is quoted ("'relay': ...", "'tls' must
  // be ..."), the command line's spelling is not ("--relay: ...").
  std::string label() const;
  // `name` resolved against `directory` when it came from a file and is relative; "-" (stdin)
  // is never a file name.
  std::string path(const std::string& name) const;
};

// Checks the value and puts it where the Request keeps it; false with one sentence naming
// `input.name`. Null: a value that only a rule over several options uses (the relay and AUTH
// options: relay_options.cpp), or one with no value (--help).
using ApplyOption = bool (*)(const OptionInput& input, Request& request, std::string& error);

struct OptionSpec {
  Option id;
  std::string_view names;  // CLI11's spelling ("-m,--message", "-4"); the key for key_only
  Shape shape;
  std::string_view value_name;  // "FILE"; empty for flags
  std::string_view help;        // the --help text
  InFile in_file;
  ApplyOption apply;
  // The built-in value when the option is not given, as --help and docs/cli.md state it ("25",
  // "1G"); empty when it depends on something else (--helo: this host's name). The value itself
  // is owned by the settings it fills (DeliveryOptions, Request); option_table_test checks that
  // the two agree and option_docs_test that docs/cli.md says the same.
  std::string_view default_value = {};
  std::string_view key = {};  // the key of an option without a long name (-v: "verbose")
};

std::span<const OptionSpec> option_table() noexcept;
const OptionSpec& option_spec(Option id) noexcept;

// "message" for "-m,--message"; empty when the option has no long name ("-4").
std::string_view long_name(const OptionSpec& spec) noexcept;
// How a person types it and an error quotes it: "--mx-port", "-4"; the key for key_only.
std::string_view command_line_name(const OptionSpec& spec) noexcept;
// Every spelling, for the documentation check: {"-m", "--message"}, {"-4"}.
std::vector<std::string_view> spellings(const OptionSpec& spec);
// The configuration-file key: the explicit key, else the long name; empty when it has none.
std::string_view config_key(const OptionSpec& spec) noexcept;
// The option whose configuration key is `key` (whatever its InFile); null when none.
const OptionSpec* option_for_key(std::string_view key) noexcept;

}  // namespace smtpsend::cli
