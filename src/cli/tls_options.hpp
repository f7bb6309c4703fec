// The TLS options (SPEC.md "TLS"): the files they name, checked once every source has spoken
// (their values are converted by option_table.cpp). Private to src/cli.
#pragma once

#include <string>

#include "smtpsend/transport/settings.hpp"

namespace smtpsend::cli {

// Input errors (66): a named file or directory that cannot be read, or a file OpenSSL cannot use
// ("cannot load --ca-file F: it holds no PEM certificate ..."; transport::check_pem_files).
// Checked before anything is sent, so a typo in --ca-file never surfaces as a failed handshake
// at the first MX host.
bool check_tls_files(const transport::TlsSettings& settings, std::string& error);

}  // namespace smtpsend::cli
