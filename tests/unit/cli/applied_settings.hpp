// A configuration file's settings as the run applies them when the command line gave no option:
// what each key puts in the Request, through its option's conversion (option_table.cpp).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "config_file.hpp"
#include "config_keys.hpp"
#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli::testing {

inline Request applied(const ConfigSettings& settings, const std::string& path = "config.toml") {
  Request request;
  std::string error;
  EXPECT_TRUE(apply_config(
      settings, path, [](Option) { return false; }, request, error))
      << error;
  return request;
}

}  // namespace smtpsend::cli::testing
