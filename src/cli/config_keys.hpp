// The keys of one configuration table: their types, their values, how tables merge and where
// each value goes in the Request. Private to src/cli (config_file.cpp reads and merges,
// command_line.cpp applies).
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "option_table.hpp"
#include "smtpsend/cli/config_file.hpp"

namespace smtpsend::cli {

// Reads every key of `table` into `out`. `path` prefixes errors ("path:line: unknown key 'x'");
// relative file names (recipients-file, password-file, ca-file, ...) are resolved against
// `directory`. False with `error`.
bool read_settings(const toml::table& table, const std::string& path, const std::string& directory,
                   ConfigSettings& out, std::string& error);

// An account's keys replace the same keys of [defaults]. The password sources (password,
// password-cmd, password-file) count as one key: an account that sets any of them replaces all.
void overlay(ConfigSettings& base, const ConfigSettings& top);

struct Request;  // smtpsend/cli/command_line.hpp

// Whether an option appeared on the command line.
using GivenOnCommandLine = std::function<bool(Option option)>;

// The command line overrides the file: each setting is applied only when its option was not
// given. `request` already holds the command line's values and the built-in defaults. The
// relay and AUTH keys are left to apply_relay_and_auth (relay_options.hpp).
void apply_config(const ConfigSettings& settings, const GivenOnCommandLine& given,
                  Request& request);

}  // namespace smtpsend::cli
