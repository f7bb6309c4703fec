// cli/command_line: turns argv into one Request (SPEC.md "Invocation" .. "Routing").
//
// Owns: the options of the direct-delivery milestone (CLI11), their validation, the default
// message ("-", stdin), the recipients file, the host defaults for --helo and
// --qualify-domain, and -C/-A: the configuration file's settings fill in options the command
// line did not give. Must not: send, resolve, read messages or print protocol detail. Options of
// later milestones (relay, compose, -t) are not registered, so CLI11 rejects them as
// unknown: a usage error rather than a silent no-op; --user, --password-file and --password-cmd
// are registered only to say AUTH is not supported yet, and --password only to refuse a
// password in argv. Errors: a CommandLine whose exit code is 64 (EX_USAGE), 66 (EX_NOINPUT,
// unreadable --recipients-file) or 78 (EX_CONFIG, configuration file) and one sentence.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/runner.hpp"

namespace smtpsend::cli {

inline constexpr const char* kStdinPath = "-";

struct Request {
  std::vector<std::string> message_paths{kStdinPath};  // "-" is stdin, at most once
  // Command-line recipients first, then those of --recipients-file; raw, not yet parsed.
  std::vector<std::string> recipients;
  std::optional<std::string> from;     // -f; "" and "<>" mean the null sender
  std::string qualify_domain;          // never empty: defaults to this host's FQDN
  std::string recipients_file;         // empty when not given
  delivery::DeliveryOptions delivery;  // helo_name never empty: defaults to this host's FQDN
  int verbosity = 0;                   // count of -v
  bool json = false;
  bool quiet = false;
  bool dry_run = false;
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
