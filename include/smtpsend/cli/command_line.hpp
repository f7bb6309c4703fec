// cli/command_line: turns argv into one Request (SPEC.md "Invocation" .. "Routing").
//
// Owns: the options (CLI11), their validation, the default message ("-", stdin), the recipients
// file, the host defaults for --helo and --qualify-domain, the relay/TLS/AUTH options and their
// defaults (verify with --relay), and -C/-A: the configuration file's settings fill in options
// the command line did not give. Must not: send, resolve, read messages, run a password command
// or print protocol detail. --password is registered only to refuse a password in argv. Errors:
// a CommandLine whose exit code is 64 (EX_USAGE), 66 (EX_NOINPUT, unreadable --recipients-file)
// or 78 (EX_CONFIG, configuration file or aliases file) and one sentence.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/cli/composition.hpp"
#include "smtpsend/cli/dkim_key_file.hpp"
#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/cli/password_source.hpp"
#include "smtpsend/cli/queue_request.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/options.hpp"
#include "smtpsend/message/aliases.hpp"
#include "smtpsend/smtp/envelope_parameters.hpp"
#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::cli {

inline constexpr const char* kStdinPath = "-";
// SPEC.md "Routing": --max-size defaults to 1G.
inline constexpr std::uint64_t kDefaultMaxSize = std::uint64_t{1} << 30;

// -u and its companions (SPEC.md "Authentication"): the secret itself is fetched only when
// delivery starts (app), never at parse time, so --dry-run runs no password command.
struct AuthRequest {
  std::string user;
  PasswordSources passwords;                   // --password-file/-cmd, env, config
  std::optional<std::string> oauth_token_cmd;  // the secret is a token printed by this command
  smtp::SaslPreference preference;             // --auth (nullopt = auto)
  bool allow_plaintext = false;                // --allow-plaintext-auth
};

// The relay and AUTH options as the command line or the configuration file gave them, each put
// here by its row's conversion (cli/option_table.cpp). What they mean together (the relay's
// port and implicit TLS, whether AUTH is asked for, which mechanism) is decided by rules over
// several of them (cli/relay_options.cpp), which fill Request::delivery.route.relay and
// Request::auth; nothing else reads these.
struct RelayAuthOptions {
  std::optional<delivery::RelayRoute> relay;  // --relay, parsed; port 0: none in the text
  bool smtps = false;                         // --smtps
  std::optional<std::string> user;            // -u
  PasswordSources passwords;                  // --password-file/-cmd and their keys; not the secret
  std::optional<std::string> oauth_token_cmd;
  std::optional<std::string> mechanism;  // --auth as spelled ("auto", "scram-sha-256"), checked
  bool allow_plaintext = false;          // --allow-plaintext-auth
};

struct Request {
  std::vector<std::string> message_paths{kStdinPath};  // "-" is stdin, at most once
  // Command-line recipients first, then those of --recipients-file; raw, not yet parsed.
  std::vector<std::string> recipients;
  std::optional<std::string> from;  // -f; "" and "<>" mean the null sender
  std::string qualify_domain;       // never empty: defaults to this host's FQDN
  std::string recipients_file;      // empty when not given
  // --aliases / `aliases` (SPEC.md "Aliases"): the file, and its table as read at parse time
  // (an unreadable or malformed file is 78 before anything is sent). Empty: no aliases.
  std::string aliases_path;
  message::AliasTable aliases;
  delivery::DeliveryOptions delivery;  // helo_name never empty: defaults to this host's FQDN
  // --max-size: input bytes accepted per message (a composed message: body and attachments
  // together); more is 65 before anything is sent.
  std::uint64_t max_size = kDefaultMaxSize;
  std::optional<AuthRequest> auth;  // -u given (on the command line or in the file)
  RelayAuthOptions relay_auth;      // as given; read only by cli/relay_options.cpp
  // --each: every (message, recipient) becomes a message of its own (message/addressed_copy.hpp).
  bool each = false;
  int verbosity = 0;  // count of -v
  bool json = false;
  bool quiet = false;
  bool dry_run = false;
  // --dsn-notify, --dsn-return, --dsn-envid (sendmail -N, -R, -V): one value from here to the
  // MAIL FROM line (smtp/envelope_parameters.hpp).
  smtp::EnvelopeParameters envelope_parameters;
  // The sendmail personality without -i/-oi: a line holding only "." ends standard input.
  bool stdin_ends_at_dot_line = false;
  // -t: also take recipients from the message's To/Cc/Bcc (or Resent-To/Cc/Bcc) headers, and
  // remove Bcc/Resent-Bcc before sending (SPEC.md "Message input").
  bool read_recipients = false;
  // -F/--from-name: display name of the From: a composed message gets, or that is added to a
  // sent-as-is message without From: (docs/decisions.md "Composing and -t").
  std::optional<std::string> from_name;
  Composition compose;
  // --dkim SELECTOR:KEYFILE (repeatable) and --dkim-domain (SPEC.md "DKIM signing"): the key
  // files are read by app before anything is sent; empty `dkim`: no signature.
  std::vector<DkimKeyFile> dkim;
  std::optional<std::string> dkim_domain;  // d=; default: the domain of From:
  // --queue and the schedule (SPEC.md "Queue"); an unset mode is the personality's default
  // (queue_mode(queue, as_sendmail)).
  QueueRequest queue;
  // Called through the sendmail name: its default queue mode, and no stderr line for a queued
  // recipient (as every MTA's sendmail).
  bool as_sendmail = false;
  // -A and the configuration file read (empty: none): a queue entry keeps them as its route,
  // and `queue run` reads the file again for the account's password source.
  std::string account;
  std::string config_path;
  // --queue-dir (key queue-dir); empty: the default (queue/spool.hpp default_queue_dir()).
  std::string queue_dir;
};

// What the command line asks for: a Request to run, or text to print and a status to exit
// with (--help, --version, a usage or input error).
struct CommandLine {
  std::optional<Request> request;  // set exactly when there is work to do
  ExitCode exit_code = ExitCode::ok;
  std::string output;  // for stdout: --help, --version
  std::string error;   // one sentence for stderr, without the "smtpsend: " prefix
};

// `args` excludes the program name. `host` supplies the defaults for --helo, --qualify-domain.
// Without -C, the first existing file of `default_config_paths` is the configuration file
// (tests pass their own; the two-argument form uses default_config_paths()).
CommandLine parse_command_line(std::span<const std::string> args, const HostIdentity& host,
                               std::span<const std::string> default_config_paths);
CommandLine parse_command_line(std::span<const std::string> args, const HostIdentity& host);

// The --help text (SPEC.md wording).
std::string help_text();
std::string version_text();

}  // namespace smtpsend::cli
