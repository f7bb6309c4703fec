// The TLS options (SPEC.md "TLS"): registration, checking and the files they name.
// Private to src/cli; command_line.cpp wires them in.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "smtpsend/transport/settings.hpp"

namespace smtpsend::cli {

struct TlsRawOptions {
  std::optional<std::string> policy;  // --tls
  std::optional<std::string> ca_file;
  std::optional<std::string> ca_path;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
};

void add_tls_options(CLI::App& app, TlsRawOptions& raw);

// Usage errors (64): an unknown policy, --tls-key without --tls-cert.
bool apply_tls_options(const TlsRawOptions& raw, transport::TlsSettings& out, std::string& error);

// Input errors (66): a named file or directory that cannot be read, or a file OpenSSL cannot use
// ("cannot load --ca-file F: it holds no PEM certificate ..."; transport::check_pem_files).
// Checked before anything is sent, so a typo in --ca-file never surfaces as a failed handshake
// at the first MX host.
bool check_tls_files(const transport::TlsSettings& settings, std::string& error);

}  // namespace smtpsend::cli
