// cli/sendmail: the sendmail personality (SPEC.md "Invocation"): when the program is called
// through a link named "sendmail", sendmail's options are translated into smtpsend's and the
// normal parser runs on the result.
//
// Owns: recognising the name, the translation (a pure function of argv, getopt-style as
// sendmail and Postfix's sendmail parse: clustered letters, values attached or separate), and
// the "." line that ends standard input unless -i/-oi is given. Must not: read files, parse
// addresses or check values smtpsend's own parser checks. Errors: a translation with one
// sentence for a usage error (64): an unknown sendmail option, a missing value, or a mode
// smtpsend does not have (-bs, -bd, -bi, ...).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {

// True when argv[0]'s last path component is exactly "sendmail".
bool invoked_as_sendmail(std::string_view argv0);
// True when it is exactly "mailq": `smtpsend queue list` (SPEC.md "Invocation").
bool invoked_as_mailq(std::string_view argv0);

struct SendmailArgs {
  std::vector<std::string> smtpsend_args;  // what parse_command_line() gets
  // sendmail without -i, -oi or -O IgnoreDots: a line holding only "." ends standard input.
  bool dot_line_ends_input = true;
  std::string error;  // non-empty: a usage error, one sentence
  // -bp: {"queue", "list"}; -q: {"queue", "run", "--all"} (SPEC.md "Invocation"): the run is
  // that subcommand's, with the long options given beside it appended; empty: send mail.
  std::vector<std::string> subcommand;
};

// `args` excludes the program name. Long options ("--relay", "--dry-run=...") and everything
// after "--" pass through unchanged; single-letter options are sendmail's.
SendmailArgs translate_sendmail_args(std::span<const std::string> args);

// translate_sendmail_args, then parse_command_line; the Request remembers whether a "." line
// ends standard input.
CommandLine parse_sendmail_command_line(std::span<const std::string> args, const HostIdentity& host,
                                        std::span<const std::string> default_config_paths);
CommandLine parse_sendmail_command_line(std::span<const std::string> args,
                                        const HostIdentity& host);

}  // namespace smtpsend::cli
