// queue/durable_file (private): the POSIX steps the spool's guarantees rest on: write all of
// it, fsync a file and the directory that names it (a rename is durable only once its
// directory is fsynced), and errors turned into SpoolError sentences.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {

// Owns one descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  int release() noexcept {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() noexcept;

 private:
  int fd_ = -1;
};

std::error_code last_error() noexcept;

// open(2) with O_CLOEXEC; EINTR retried.
UniqueFd open_file(const std::filesystem::path& path, int flags, unsigned mode,
                   std::error_code& error);
std::error_code write_all(int fd, std::string_view bytes) noexcept;
std::error_code fsync_fd(int fd) noexcept;
std::error_code fsync_directory(const std::filesystem::path& dir) noexcept;
// Writes `bytes` to `path` (created 0600, truncated), fsyncs it.
std::error_code write_file_durably(const std::filesystem::path& path, std::string_view bytes);

// ENOSPC and EDQUOT are no_space; everything else cannot_write. "cannot WHAT PATH: REASON".
SpoolError write_failure(std::string_view what, const std::filesystem::path& path,
                         std::error_code error);
SpoolError failure(SpoolFailure kind, std::string_view what, const std::filesystem::path& path,
                   std::error_code error);

}  // namespace smtpsend::queue
