// cli/dkim_command_line: `smtpsend dkim keygen --domain D --selector S [--type ed25519|rsa]
// [--out FILE]` (SPEC.md "Invocation", subcommands) into a request app runs.
//
// Owns: the subcommand's options and their checks (a domain and a selector as DKIM names them,
// RFC 6376 §3.1, §3.5), the default type and file name. Must not: make or write the key.
// Errors: a DkimCommandLine whose exit code is 64 and one sentence.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/message/dkim/key.hpp"

namespace smtpsend::cli {

struct DkimKeygenRequest {
  std::string domain;
  std::string selector;
  // RSA 2048 by default: every verifier knows it; Ed25519 (RFC 8463) is not yet verified
  // everywhere (docs/decisions.md "DKIM").
  message::dkim::KeyType type = message::dkim::KeyType::rsa;
  std::string out_path;  // default: SELECTOR._domainkey.DOMAIN.pem in the working directory
};

struct DkimCommandLine {
  std::optional<DkimKeygenRequest> keygen;  // set exactly when there is work to do
  ExitCode exit_code = ExitCode::ok;
  std::string output;  // --help
  std::string error;   // one sentence, without the "smtpsend: " prefix
};

// `args` are the words after "dkim".
DkimCommandLine parse_dkim_command_line(std::span<const std::string> args);

}  // namespace smtpsend::cli
