#include "tls_options.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "option_values.hpp"
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

bool apply_tls_options(const RawOptions& raw, transport::TlsSettings& out, std::string& error) {
  if (const std::optional<std::string>& name = raw.text(Option::tls)) {
    const std::optional<smtp::TlsPolicy> policy = smtp::tls_policy_from_string(*name);
    if (!policy) {
      error = fmt::format("--tls must be {}, not '{}'", or_list(smtp::kTlsPolicyNames), *name);
      return false;
    }
    out.policy = *policy;
  }
  if (raw.text(Option::tls_key) && !raw.text(Option::tls_cert)) {
    error = "--tls-key needs --tls-cert";
    return false;
  }
  out.ca_file = raw.text(Option::ca_file).value_or(out.ca_file);
  out.ca_path = raw.text(Option::ca_path).value_or(out.ca_path);
  out.cert_file = raw.text(Option::tls_cert).value_or(out.cert_file);
  out.key_file = raw.text(Option::tls_key).value_or(out.key_file);
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
