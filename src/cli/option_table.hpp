// Every smtpsend option, written once (issue 11): its command-line spelling, the shape of its
// value, its --help line and whether the configuration file may set it (SPEC.md
// "Configuration": the keys are the long option names). CLI parsing and --help
// (command_line.cpp), the configuration reader's key names (config_keys.cpp) and the test that
// docs/cli.md, docs/configuration.md and docs/smtpsend.1 list every option all read this table.
// Private to src/cli. The sendmail personality keeps its own grammar (sendmail_args.cpp) and
// emits these options.
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
  family,    // -4 / -6
  password,  // never on the command line (it would be visible in /proc/PID/cmdline)
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

// What the configuration file may do with it.
enum class InFile {
  key,                // a key of [defaults] and [account.NAME], named as the long option
  command_line_only,  // describes one invocation: a file setting it would change every run
  composing_only,     // composes one message from this run's input; refused with that reason
  no_key,             // no key at all ("unknown key"): -i, -4, -6, RECIPIENT
};

struct OptionSpec {
  Option id;
  std::string_view names;  // CLI11's spelling ("-m,--message", "-4"); the key for key_only
  Shape shape;
  std::string_view value_name;  // "FILE"; empty for flags
  std::string_view help;        // the --help text
  InFile in_file;
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
