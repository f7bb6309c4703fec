// Applying the configuration file's merged settings to a Request. Private to src/cli.
#pragma once

#include <functional>
#include <string>

#include "smtpsend/cli/command_line.hpp"
#include "option_table.hpp"
#include "smtpsend/cli/config_file.hpp"

namespace smtpsend::cli {

// Whether an option appeared on the command line.
using GivenOnCommandLine = std::function<bool(Option option)>;

// The command line overrides the file: each setting is applied only when its option was not
// given. `request` already holds the command line's values and the built-in defaults.
void apply_config(const ConfigSettings& settings, const GivenOnCommandLine& given,
                  Request& request);

}  // namespace smtpsend::cli
