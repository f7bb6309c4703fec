// The keys of one configuration table: reading each into its option's text by the TOML form the
// option table gives it, checking it with the option's own conversion, merging tables and
// applying the result under the command line. Private to src/cli (config_file.cpp reads and
// merges, command_line.cpp applies).
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <string>

#include "config_file.hpp"
#include "option_table.hpp"

namespace smtpsend::cli {

// Reads every key of `table` into `out`. `path` prefixes errors ("path:line: unknown key 'x'");
// relative file names (recipients-file, password-file, ca-file, ...) are resolved against
// `out.directory` when they are applied. False with `error`.
bool read_settings(const toml::table& table, const std::string& path, ConfigSettings& out,
                   std::string& error);

// An account's keys replace the same keys of [defaults]. The password sources (password,
// password-cmd, password-file) count as one key: an account that sets any of them replaces all.
void overlay(ConfigSettings& base, const ConfigSettings& top);

struct Request;  // smtpsend/cli/command_line.hpp

// Whether an option appeared on the command line.
using GivenOnCommandLine = std::function<bool(Option option)>;

// The command line overrides the file: each key is applied, by its option's conversion, only
// when its option was not given. `request` already holds the command line's values and the
// built-in defaults. The relay and AUTH keys (no conversion of their own) are left to
// apply_relay_and_auth (relay_options.hpp). False with "path:line: sentence" only if a value
// that was accepted when the file was read is refused now, which would be a defect.
bool apply_config(const ConfigSettings& settings, const std::string& path,
                  const GivenOnCommandLine& given, Request& request, std::string& error);

}  // namespace smtpsend::cli
