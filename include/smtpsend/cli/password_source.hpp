// cli/password_source: where the AUTH password comes from (SPEC.md "Authentication", issue 3
// part 5). A reusable piece: AUTH (a later part of issue 3) calls obtain_password().
//
// Sources, first set wins: --password-file, --password-cmd, $SMTPSEND_PASSWORD, then the
// configuration file's password-file, password-cmd or password (the merged config holds at most
// one of those three). A password is never taken from a command-line value. Every source yields
// its first line with trailing CR/LF removed, as a Secret. Errors are values: a PasswordOutcome
// whose exit code is 66 (EX_NOINPUT: the file or command gave no password) or 71 (EX_OSERR: no
// pipe or process could be made), and one sentence.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "smtpsend/cli/secret.hpp"
#include "smtpsend/core/outcome.hpp"

namespace smtpsend::cli {

inline constexpr const char* kPasswordEnvironmentVariable = "SMTPSEND_PASSWORD";
// More than this from a password file or command is not a password; reading stops there so a
// runaway command cannot exhaust memory.
inline constexpr std::size_t kMaxPasswordSourceBytes = 64 * 1024;
// A password command still running after this long is stopped (with its process group): it
// waits on something that will not come, and a cron job must not hang on it forever. Long
// enough to type a passphrase into a prompt.
inline constexpr std::chrono::seconds kPasswordCommandTimeout{60};

struct PasswordOutcome {
  std::optional<Secret> secret;  // set on success; unset with exit_code ok: no source was set
  ExitCode exit_code = ExitCode::ok;
  std::string error;  // one sentence, without the "smtpsend: " prefix
};

struct PasswordSources {
  std::optional<std::string> file;     // --password-file
  std::optional<std::string> command;  // --password-cmd
  // From the configuration file (after account/defaults merging).
  std::optional<std::string> config_file;     // password-file
  std::optional<std::string> config_command;  // password-cmd
  std::optional<Secret> config_password;      // password
};

// The first line of `text` without its line ending (LF, CRLF or a lone trailing CR).
std::string_view first_line(std::string_view text) noexcept;

PasswordOutcome read_password_file(const std::string& path);

// Runs `command` with stdin from /dev/null, stderr inherited (so gpg's or pass's own messages
// reach the user) and our environment minus $SMTPSEND_PASSWORD, and takes the first line of its
// stdout. Without shell metacharacters
// (needs_shell) the command is split on spaces and tabs and run directly; otherwise by
// /bin/sh -c. A non-zero exit or a signal is an error naming the status. `what` names the secret
// in error sentences ("password", or "OAuth token" for --oauth-token-cmd). A command not done
// within kPasswordCommandTimeout is killed (its process group, when no terminal is attached:
// with one it stays in ours so it can prompt) and fails with 77.
PasswordOutcome run_password_command(const std::string& command,
                                     std::string_view what = "password");
bool needs_shell(std::string_view command) noexcept;

// $SMTPSEND_PASSWORD; unset or empty is no password.
std::optional<Secret> password_from_environment();

PasswordOutcome obtain_password(const PasswordSources& sources);

}  // namespace smtpsend::cli
