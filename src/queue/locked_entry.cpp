// An entry under this process's flock: its state read and replaced atomically, removed, or
// moved to failed/ (queue/spool.hpp; the shared design's "State update").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "durable_file.hpp"
#include "entry_files.hpp"
#include "smtpsend/queue/crash_point.hpp"
#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {

namespace fs = std::filesystem;

LockedEntry::~LockedEntry() { release(); }

LockedEntry::LockedEntry(LockedEntry&& other) noexcept
    : root_(std::move(other.root_)),
      directory_(std::move(other.directory_)),
      id_(std::move(other.id_)),
      lock_fd_(other.lock_fd_) {
  other.lock_fd_ = -1;
}

LockedEntry& LockedEntry::operator=(LockedEntry&& other) noexcept {
  if (this != &other) {
    release();
    root_ = std::move(other.root_);
    directory_ = std::move(other.directory_);
    id_ = std::move(other.id_);
    lock_fd_ = other.lock_fd_;
    other.lock_fd_ = -1;
  }
  return *this;
}

void LockedEntry::release() noexcept {
  // Closing the descriptor drops the flock (flock(2): the lock belongs to the open file).
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

fs::path LockedEntry::message_path() const { return directory_ / kMessageFile; }
fs::path LockedEntry::seven_bit_path() const { return directory_ / kSevenBitFile; }

bool LockedEntry::has_seven_bit() const {
  struct stat st {};
  return ::stat(seven_bit_path().c_str(), &st) == 0;
}

bool LockedEntry::read_envelope(Envelope& out, SpoolError& error) const {
  return read_envelope_file(directory_, out, error);
}

bool LockedEntry::update(const Envelope& envelope, SpoolError& error) {
  std::string text;
  if (!envelope_text(envelope, text, error)) return false;
  const fs::path tmp = directory_ / kEnvelopeTmpFile;
  if (const std::error_code ec = write_file_durably(tmp, text)) {
    error = write_failure("write", tmp, ec);
    std::remove(tmp.c_str());
    return false;
  }
  crash_point(kCrashUpdateBeforeRename);
  if (::rename(tmp.c_str(), (directory_ / kEnvelopeFile).c_str()) != 0) {
    error = write_failure("replace", directory_ / kEnvelopeFile, last_error());
    return false;
  }
  crash_point(kCrashUpdateAfterRename);
  if (const std::error_code ec = fsync_directory(directory_)) {
    error = write_failure("write", directory_, ec);
    return false;
  }
  return true;
}

// Moved into tmp/ first, so that `queue list` never sees half an entry and a run killed while
// deleting leaves debris that cleanup_tmp removes.
bool LockedEntry::remove(SpoolError& error) {
  const fs::path from_parent = directory_.parent_path();
  const fs::path debris = root_ / kTmpDir / id_;
  ::mkdir((root_ / kTmpDir).c_str(), 0700);  // a queue made by hand may lack it; EEXIST is fine
  if (::rename(directory_.c_str(), debris.c_str()) != 0) {
    error = write_failure("remove", directory_, last_error());
    return false;
  }
  directory_ = debris;
  if (const std::error_code ec = fsync_directory(from_parent)) {
    error = write_failure("write", from_parent, ec);
    return false;
  }
  std::error_code ec;
  fs::remove_all(debris, ec);
  if (ec) {
    error = write_failure("remove", debris, ec);
    return false;
  }
  return true;
}

bool LockedEntry::move_to_failed(SpoolError& error) {
  const fs::path from_parent = directory_.parent_path();
  const fs::path failed = root_ / kFailedDir;
  const fs::path to = failed / id_;
  if (::rename(directory_.c_str(), to.c_str()) != 0) {
    error = write_failure("move the entry to", failed, last_error());
    return false;
  }
  directory_ = to;
  for (const fs::path& dir : {from_parent, failed}) {
    if (const std::error_code ec = fsync_directory(dir)) {
      error = write_failure("write", dir, ec);
      return false;
    }
  }
  return true;
}

}  // namespace smtpsend::queue
