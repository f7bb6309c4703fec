#include "durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace smtpsend::queue {

void UniqueFd::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::error_code last_error() noexcept { return {errno, std::generic_category()}; }

UniqueFd open_file(const std::filesystem::path& path, int flags, unsigned mode,
                   std::error_code& error) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) {
      error = last_error();
      return UniqueFd();
    }
  }
}

std::error_code write_all(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code fsync_fd(int fd) noexcept {
  while (::fsync(fd) != 0) {
    if (errno != EINTR) return last_error();
  }
  return {};
}

std::error_code fsync_directory(const std::filesystem::path& dir) noexcept {
  std::error_code error;
  const UniqueFd fd = open_file(dir, O_RDONLY | O_DIRECTORY, 0, error);
  if (!fd) return error;
  return fsync_fd(fd.get());
}

std::error_code write_file_durably(const std::filesystem::path& path, std::string_view bytes) {
  std::error_code error;
  const UniqueFd fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC, 0600, error);
  if (!fd) return error;
  if ((error = write_all(fd.get(), bytes))) return error;
  return fsync_fd(fd.get());
}

SpoolError failure(SpoolFailure kind, std::string_view what, const std::filesystem::path& path,
                   std::error_code error) {
  std::string detail = "cannot " + std::string(what) + " " + path.string();
  if (error) detail += ": " + error.message();
  return SpoolError{kind, std::move(detail)};
}

SpoolError write_failure(std::string_view what, const std::filesystem::path& path,
                         std::error_code error) {
  const bool full = error == std::errc::no_space_on_device || error.value() == EDQUOT;
  return failure(full ? SpoolFailure::no_space : SpoolFailure::cannot_write, what, path, error);
}

}  // namespace smtpsend::queue
