// The DSN options (RFC 3461; sendmail's -N, -R, -V): registration and checking.
// Private to src/cli; command_line.cpp wires them in, the sendmail personality maps onto them.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "smtpsend/smtp/dsn.hpp"

namespace smtpsend::cli {

struct DsnRawOptions {
  std::optional<std::string> notify;  // --dsn-notify
  std::optional<std::string> ret;     // --dsn-return
  std::optional<std::string> envid;   // --dsn-envid
};

void add_dsn_options(CLI::App& app, DsnRawOptions& raw);

// Usage errors (64): a value RFC 3461 does not allow.
bool apply_dsn_options(const DsnRawOptions& raw, smtp::DsnRequest& out, std::string& error);

}  // namespace smtpsend::cli
