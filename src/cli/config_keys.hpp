// The keys of one configuration table: their types, their values and how tables merge.
// Private to src/cli (config_file.cpp is the only user).
#pragma once

#include <toml++/toml.h>

#include <optional>
#include <string>
#include <string_view>

#include "smtpsend/cli/config_file.hpp"

namespace smtpsend::cli {

// Reads every key of `table` into `out`. `path` prefixes errors ("path:line: unknown key 'x'");
// relative file names (recipients-file, password-file, ca-file, ...) are resolved against `directory`. False with `error`.
bool read_settings(const toml::table& table, const std::string& path, const std::string& directory,
                   ConfigSettings& out, std::string& error);

// An account's keys replace the same keys of [defaults]. The password sources (password,
// password-cmd, password-file) count as one key: an account that sets any of them replaces all.
void overlay(ConfigSettings& base, const ConfigSettings& top);

}  // namespace smtpsend::cli
