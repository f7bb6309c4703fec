// cli/config_file: the TOML configuration file (SPEC.md "Configuration", issue 3 part 6).
//
// Owns: finding the file (-C, else $XDG_CONFIG_HOME/smtpsend/config.toml, else
// /etc/smtpsend.toml), parsing it with toml++, checking every key's type and value, the
// permission rule for a file holding a password, and merging [defaults] with the -A account.
// Must not: know the command line (command_line applies the merged settings to options the
// user did not give). Errors are values: a ConfigLoad whose error is one sentence naming the
// file (and line, where there is one); every such error is exit 78 (EX_CONFIG).
// Decisions: docs/configuration.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/cli/queue_request.hpp"
#include "smtpsend/cli/secret.hpp"
#include "smtpsend/dns/answer.hpp"
#include "smtpsend/smtp/dsn.hpp"

namespace smtpsend::cli {

// A value set in the file and the line that set it (for "file:line:" errors later on).
template <typename T>
struct Setting {
  T value;
  int line = 0;
};

template <typename T>
using MaybeSetting = std::optional<Setting<T>>;

// One table's keys ([defaults] or an [account.NAME]), or their merge. Keys are the long option
// names; `family` stands for -4/-6, which have no long names.
struct ConfigSettings {
  // Options that exist now.
  MaybeSetting<std::string> from;
  MaybeSetting<std::string> qualify_domain;
  MaybeSetting<std::string> recipients_file;  // resolved against the file's directory
  MaybeSetting<std::string> aliases;          // resolved against the file's directory
  MaybeSetting<std::vector<std::string>> dns_servers;
  MaybeSetting<std::uint16_t> mx_port;
  MaybeSetting<std::string> helo;
  MaybeSetting<dns::AddressFamily> family;
  MaybeSetting<std::size_t> max_parallel;
  MaybeSetting<std::size_t> max_addresses;
  MaybeSetting<std::chrono::seconds> timeout;
  MaybeSetting<std::chrono::seconds> connect_timeout;
  MaybeSetting<std::chrono::seconds> dns_timeout;
  MaybeSetting<std::uint64_t> max_size;  // bytes: max-size = "500M" or max-size = 524288000
  MaybeSetting<std::string> from_name;  // -F, --from-name
  // RFC 3461 DSN requests (--dsn-notify, --dsn-return, --dsn-envid), checked as the options are.
  MaybeSetting<std::string> dsn_notify;  // normalised: "NEVER" or e.g. "SUCCESS,FAILURE"
  MaybeSetting<smtp::DsnReturn> dsn_return;
  MaybeSetting<std::string> dsn_envid;
  MaybeSetting<std::string> queue_dir;  // resolved against the file's directory
  // Relay, TLS and AUTH (applied by relay_options.cpp and their config_keys.cpp rows).
  MaybeSetting<std::string> relay;
  MaybeSetting<std::string> user;
  MaybeSetting<Secret> password;
  MaybeSetting<std::string> password_cmd;
  MaybeSetting<std::string> password_file;
  MaybeSetting<std::string> tls;  // none | opportunistic | required | verify
  MaybeSetting<bool> smtps;
  MaybeSetting<std::string> ca_file;
  MaybeSetting<std::string> ca_path;
  MaybeSetting<std::string> tls_cert;
  MaybeSetting<std::string> tls_key;
  MaybeSetting<std::string> auth;  // auto | plain | login | cram-md5 | scram-sha-1 | ...
  MaybeSetting<std::string> oauth_token_cmd;
  MaybeSetting<bool> allow_plaintext_auth;
  // The queue (SPEC.md "Queue").
  MaybeSetting<QueueMode> queue;
  MaybeSetting<std::chrono::seconds> retry_min;
  MaybeSetting<std::chrono::seconds> retry_max;
  MaybeSetting<std::chrono::seconds> queue_lifetime;
  MaybeSetting<std::string> bounce_to;
};

struct ConfigLoad {
  std::string path;         // the file read; empty when none was found (and none was required)
  ConfigSettings settings;  // [defaults] overlaid with the chosen account
  std::string error;        // set: refuse to run, exit 78
};

// $XDG_CONFIG_HOME/smtpsend/config.toml ($HOME/.config/... when XDG_CONFIG_HOME is unset, empty
// or relative), then /etc/smtpsend.toml. The first that exists is used; none is fine.
std::vector<std::string> default_config_paths();

// `explicit_path` is -C (must exist); otherwise the first existing of `default_paths`.
// `account` is -A: it must name an [account.NAME] table of the file.
ConfigLoad load_config(const std::optional<std::string>& explicit_path,
                       std::span<const std::string> default_paths,
                       const std::optional<std::string>& account);

// Parses `text` as if read from `path` (whose permission bits are `mode`); for tests and for
// load_config.
ConfigLoad parse_config(const std::string& path, std::string_view text, unsigned mode,
                        const std::optional<std::string>& account);

}  // namespace smtpsend::cli
