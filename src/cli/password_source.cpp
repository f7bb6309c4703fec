#include "smtpsend/cli/password_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace smtpsend::cli {
namespace {

PasswordOutcome failure(ExitCode code, std::string sentence) {
  PasswordOutcome outcome;
  outcome.exit_code = code;
  outcome.error = std::move(sentence);
  return outcome;
}

PasswordOutcome success(std::string_view password) {
  PasswordOutcome outcome;
  outcome.secret.emplace(password);
  return outcome;
}

// Reads at most kMaxPasswordSourceBytes + 1 bytes into `out` (reserved up front, so no
// reallocation leaves an unwiped copy behind). False with errno set on a read error.
bool read_bounded(int fd, std::string& out) {
  out.reserve(kMaxPasswordSourceBytes + 1);
  std::array<char, 4096> chunk{};
  while (out.size() <= kMaxPasswordSourceBytes) {
    const std::size_t room = kMaxPasswordSourceBytes + 1 - out.size();
    const ssize_t got = ::read(fd, chunk.data(), std::min(chunk.size(), room));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    if (got == 0) break;
    out.append(chunk.data(), static_cast<std::size_t>(got));
  }
  ::explicit_bzero(chunk.data(), chunk.size());
  return true;
}

}  // namespace

std::string_view first_line(std::string_view text) noexcept {
  const std::size_t newline = text.find('\n');
  if (newline != std::string_view::npos) text = text.substr(0, newline);
  if (text.ends_with('\r')) text.remove_suffix(1);
  return text;
}

PasswordOutcome read_password_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string content;
  const bool read_ok = fd >= 0 && read_bounded(fd, content);
  const int read_errno = errno;
  if (fd >= 0) ::close(fd);
  PasswordOutcome outcome;
  if (!read_ok) {
    outcome = failure(ExitCode::no_input, fmt::format("cannot read password file {}: {}", path,
                                                      std::strerror(read_errno)));
  } else if (content.size() > kMaxPasswordSourceBytes) {
    outcome = failure(ExitCode::no_input,
                      fmt::format("password file {} is larger than {} bytes; it holds the "
                                  "password on its first line",
                                  path, kMaxPasswordSourceBytes));
  } else if (first_line(content).empty()) {
    outcome = failure(ExitCode::no_input,
                      fmt::format("password file {} holds no password on its first line", path));
  } else {
    outcome = success(first_line(content));
  }
  wipe(content);
  return outcome;
}

std::optional<Secret> password_from_environment() {
  const char* value = std::getenv(kPasswordEnvironmentVariable);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return Secret(first_line(value));
}

PasswordOutcome obtain_password(const PasswordSources& sources) {
  if (sources.file) return read_password_file(*sources.file);
  if (sources.command) return run_password_command(*sources.command);
  if (auto from_environment = password_from_environment()) {
    PasswordOutcome outcome;
    outcome.secret = std::move(from_environment);
    return outcome;
  }
  if (sources.config_file) return read_password_file(*sources.config_file);
  if (sources.config_command) return run_password_command(*sources.config_command);
  PasswordOutcome outcome;
  outcome.secret = sources.config_password;
  return outcome;
}

}  // namespace smtpsend::cli
