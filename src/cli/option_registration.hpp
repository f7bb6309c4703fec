// How every smtpsend option is registered with CLI11, so all option groups behave alike.
// Private to src/cli.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace smtpsend::cli {

// A value given twice: the last one counts, as with most Unix tools.
template <typename T>
CLI::Option* single(CLI::App& app, const std::string& names, T& value, const std::string& help,
                    const std::string& type_name) {
  return app.add_option(names, value, help)
      ->type_name(type_name)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// One value per occurrence, so "-m a.eml bob@example.com" keeps bob as a recipient.
inline CLI::Option* repeated(CLI::App& app, const std::string& names,
                             std::vector<std::string>& values, const std::string& help,
                             const std::string& type_name) {
  return app.add_option(names, values, help)->type_name(type_name)->allow_extra_args(false);
}

}  // namespace smtpsend::cli
