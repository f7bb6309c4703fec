#include "tls_options.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "option_registration.hpp"
#include "smtpsend/transport/tls_client.hpp"

namespace smtpsend::cli {
namespace {

bool readable_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  return in.good();
}

bool readable_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) && ::access(path.c_str(), R_OK | X_OK) == 0;
}

bool check_file(std::string_view option, const std::string& path, std::string& error) {
  if (path.empty() || readable_file(path)) return true;
  error = fmt::format("{}: cannot read '{}'", option, path);
  return false;
}

}  // namespace

void add_tls_options(CLI::App& app, TlsRawOptions& raw) {
  single(app, "--tls", raw.policy,
         "opportunistic: STARTTLS when offered (default for MX delivery); required: fail if TLS "
         "cannot be set up; verify: required + certificate chain and host name verified (default "
         "with --relay)",
         "none|opportunistic|required|verify");
  single(app, "--ca-file", raw.ca_file, "trust anchors (default: the system store)", "FILE");
  single(app, "--ca-path", raw.ca_path, "trust anchors (default: the system store)", "DIR");
  single(app, "--tls-cert", raw.cert_file, "client certificate", "FILE");
  single(app, "--tls-key", raw.key_file, "client certificate's key (default: in --tls-cert)",
         "FILE");
}

bool apply_tls_options(const TlsRawOptions& raw, transport::TlsSettings& out, std::string& error) {
  if (raw.policy) {
    const std::optional<smtp::TlsPolicy> policy = smtp::tls_policy_from_string(*raw.policy);
    if (!policy) {
      error = fmt::format("--tls must be none, opportunistic, required or verify, not '{}'",
                          *raw.policy);
      return false;
    }
    out.policy = *policy;
  }
  if (raw.key_file && !raw.cert_file) {
    error = "--tls-key needs --tls-cert";
    return false;
  }
  out.ca_file = raw.ca_file.value_or(out.ca_file);
  out.ca_path = raw.ca_path.value_or(out.ca_path);
  out.cert_file = raw.cert_file.value_or(out.cert_file);
  out.key_file = raw.key_file.value_or(out.key_file);
  return true;
}

bool check_tls_files(const transport::TlsSettings& settings, std::string& error) {
  if (!check_file("--ca-file", settings.ca_file, error) ||
      !check_file("--tls-cert", settings.cert_file, error) ||
      !check_file("--tls-key", settings.key_file, error)) {
    return false;
  }
  if (!settings.ca_path.empty() && !readable_directory(settings.ca_path)) {
    error = fmt::format("--ca-path: cannot read directory '{}'", settings.ca_path);
    return false;
  }
  // msmtp loads its trust and certificate files before connecting and stops with EX_NOINPUT
  // when one is unusable; a DER file or a stray key would otherwise be a vague TLS failure (77)
  // at the first server.
  return !transport::check_pem_files(settings, error);
}

}  // namespace smtpsend::cli
