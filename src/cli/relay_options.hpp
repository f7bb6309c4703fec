// The relay and AUTH options (SPEC.md "Routing", "Authentication"): the rules over several of
// them. Private to src/cli.
#pragma once

#include <string>

#include "config_file.hpp"
#include "option_registration.hpp"
#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {

// The configuration file's merged settings and the file they came from (for "FILE:LINE:").
struct FileSettings {
  const ConfigSettings& settings;
  const std::string& path;
};

// What the relay and AUTH options mean together, once their values are in request.relay_auth
// (their rows' conversions, option_table.cpp: the command line over the file, each value
// checked): the relay's port 587/465 and implicit TLS (the relay's default --tls verify is
// delivery::tls_for_host()'s), and the AuthRequest. `raw` and `file` say only who said what.
// `tls_on_command_line`: --tls was given, so a --tls none with implicit TLS is the command
// line's error rather than the file's. Errors: --smtps or -u without a relay, --tls none with
// implicit TLS, a password option without -u, an OAuth mechanism without --oauth-token-cmd: 64
// when the command line said it, 78 with "FILE:LINE:" when only the file did. A `user` (and the
// other AUTH keys) that the file gives with no relay in force is not used: [defaults] may hold
// the user of its relay accounts.
bool apply_relay_and_auth(const RawOptions& raw, const FileSettings& file, bool tls_on_command_line,
                          Request& request, std::string& error, ExitCode& code);

}  // namespace smtpsend::cli
