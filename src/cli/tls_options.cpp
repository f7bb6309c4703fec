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
