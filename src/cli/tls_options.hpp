// The TLS options (SPEC.md "TLS"): checking them and the files they name.
// Private to src/cli; command_line.cpp wires them in.
#pragma once

#include <string>

#include "option_registration.hpp"
#include "smtpsend/transport/settings.hpp"

namespace smtpsend::cli {

// Usage errors (64): an unknown policy, --tls-key without --tls-cert.
bool apply_tls_options(const RawOptions& raw, transport::TlsSettings& out, std::string& error);

// Input errors (66): a named file or directory that cannot be read, or a file OpenSSL cannot use
// ("cannot load --ca-file F: it holds no PEM certificate ..."; transport::check_pem_files).
// Checked before anything is sent, so a typo in --ca-file never surfaces as a failed handshake
// at the first MX host.
bool check_tls_files(const transport::TlsSettings& settings, std::string& error);

}  // namespace smtpsend::cli
