// The DSN options (RFC 3461; sendmail's -N, -R, -V): checking them.
// Private to src/cli; command_line.cpp wires them in, the sendmail personality maps onto them.
#pragma once

#include <string>

#include "option_registration.hpp"
#include "smtpsend/smtp/dsn.hpp"

namespace smtpsend::cli {

// Usage errors (64): a value RFC 3461 does not allow.
bool apply_dsn_options(const RawOptions& raw, smtp::DsnRequest& out, std::string& error);

}  // namespace smtpsend::cli
