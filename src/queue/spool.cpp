// The queue directory: creating it, the refusal to queue, atomic enqueue, listing, locking and
// removing a killed run's debris (queue/spool.hpp; the shared design's "Enqueue" steps).
#include "smtpsend/queue/spool.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "durable_file.hpp"
#include "entry_files.hpp"
#include "entry_id.hpp"
#include "smtpsend/queue/crash_point.hpp"

namespace smtpsend::queue {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kWriteSlice = 128 * 1024;
constexpr std::uint64_t kMiB = 1024 * 1024;

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + kMiB - 1) / kMiB) + " MiB"; }

// mkdir -p with 0700 for each directory made (the queue holds other people's mail).
bool make_directories(const fs::path& dir, std::error_code& error) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    error = std::make_error_code(std::errc::not_a_directory);
    return false;
  }
  if (errno != ENOENT) {
    error = last_error();
    return false;
  }
  const fs::path parent = dir.parent_path();
  if (!parent.empty() && parent != dir && !make_directories(parent, error)) return false;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = last_error();
    return false;
  }
  return true;
}

bool make_subdirectory(const fs::path& dir, SpoolError& error) {
  if (::mkdir(dir.c_str(), 0700) == 0) return true;
  struct stat st {};
  if (errno == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
  const std::error_code ec =
      errno == EEXIST ? std::make_error_code(std::errc::not_a_directory) : last_error();
  error = write_failure("create queue directory", dir, ec);
  return false;
}

// Writes `content` into `path` slice by slice; the descriptor stays open for the fsync.
bool write_content(const fs::path& path, const message::ContentView& content, UniqueFd& fd,
                   SpoolError& error) {
  std::error_code ec;
  fd = open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0600, ec);
  if (!fd) {
    error = write_failure("create", path, ec);
    return false;
  }
  message::ContentReader reader(content);
  for (;;) {
    std::string_view slice;
    std::string why;
    if (!reader.next(kWriteSlice, slice, why)) {
      error = SpoolError{SpoolFailure::unreadable, "cannot queue the message: " + why};
      return false;
    }
    if (slice.empty()) return true;
    if ((ec = write_all(fd.get(), slice))) {
      error = write_failure("write", path, ec);
      return false;
    }
  }
}

// Removes a tmp/<id> directory it was writing unless the entry went into place.
class TmpGuard {
 public:
  explicit TmpGuard(fs::path dir) : dir_(std::move(dir)) {}
  ~TmpGuard() {
    if (armed_) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }
  TmpGuard(const TmpGuard&) = delete;
  TmpGuard& operator=(const TmpGuard&) = delete;
  void disarm() noexcept { armed_ = false; }

 private:
  fs::path dir_;
  bool armed_ = true;
};

// flock(LOCK_EX | LOCK_NB) of `path`: the descriptor, or none with `busy` set when another
// process holds it.
UniqueFd try_lock(const fs::path& path, bool& busy, std::error_code& error) {
  busy = false;
  UniqueFd fd = open_file(path, O_RDWR, 0, error);
  if (!fd) return fd;
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    busy = errno == EWOULDBLOCK;
    error = last_error();
    return UniqueFd();
  }
  return fd;
}

}  // namespace

ExitCode SpoolError::exit_code() const noexcept {
  switch (failure) {
    case SpoolFailure::cannot_create: return ExitCode::cant_create;
    case SpoolFailure::cannot_write: return ExitCode::temp_fail;
    case SpoolFailure::no_space: return ExitCode::temp_fail;
    case SpoolFailure::unreadable: return ExitCode::io_error;
    case SpoolFailure::unknown_entry: return ExitCode::usage;
    case SpoolFailure::busy: return ExitCode::temp_fail;
    case SpoolFailure::malformed: return ExitCode::io_error;
  }
  return ExitCode::temp_fail;
}

std::uint64_t required_free_space(std::uint64_t message_size) noexcept {
  const std::uint64_t twice =
      message_size > UINT64_MAX / 2 ? UINT64_MAX : message_size * 2;
  return std::max(kMinFreeSpace, twice);
}

std::optional<std::uint64_t> statvfs_free_space(const fs::path& path, std::error_code& error) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) {
    error = last_error();
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

EntryContent entry_content(const message::Message& message) {
  if (message.sends_seven_bit_form_everywhere()) return EntryContent{message.seven_bit_content(), {}};
  EntryContent content{message.wire_content(), {}};
  const message::ContentView seven_bit = message.seven_bit_content();
  if (!seven_bit.empty()) content.seven_bit = seven_bit;
  return content;
}

void set_message_facts(const message::Message& message, Envelope& envelope) {
  envelope.message_id = message.facts.message_id;
  const bool seven_bit_everywhere = message.sends_seven_bit_form_everywhere();
  envelope.eight_bit = message.eight_bit && !seven_bit_everywhere;
  envelope.seven_bit_error =
      envelope.eight_bit && message.seven_bit_content().empty() ? message.seven_bit.error : "";
}

bool Spool::open(const fs::path& dir, Spool& out, SpoolError& error, SpoolOptions options) {
  std::error_code ec;
  if (!make_directories(dir, ec)) {
    error = failure(SpoolFailure::cannot_create, "create queue directory", dir, ec);
    return false;
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    error = failure(SpoolFailure::cannot_write, "write to queue directory", dir, last_error());
    return false;
  }
  for (const std::string_view sub : {kTmpDir, kEntriesDir, kFailedDir}) {
    if (!make_subdirectory(dir / sub, error)) return false;
  }
  out.root_ = dir;
  out.options_ = std::move(options);
  out.exists_ = true;
  return true;
}

bool Spool::open_existing(const fs::path& dir, Spool& out, SpoolError& error,
                          SpoolOptions options) {
  struct stat st {};
  out.root_ = dir;
  out.options_ = std::move(options);
  out.exists_ = false;
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    error = failure(SpoolFailure::unreadable, "read queue directory", dir, last_error());
    return false;
  }
  if (!S_ISDIR(st.st_mode)) {
    error = failure(SpoolFailure::unreadable, "read queue directory", dir,
                    std::make_error_code(std::errc::not_a_directory));
    return false;
  }
  out.exists_ = true;
  return true;
}

std::string Spool::new_id() const { return make_entry_id(options_.clock()); }

bool Spool::enqueue(Envelope& envelope, const EntryContent& content, SpoolError& error) {
  const std::uint64_t size = content.wire.size();
  std::error_code ec;
  const std::optional<std::uint64_t> free = options_.free_space(root_, ec);
  if (!free) {
    error = failure(SpoolFailure::cannot_write, "find the free space of queue directory", root_, ec);
    return false;
  }
  if (*free < required_free_space(size)) {
    error = SpoolError{SpoolFailure::no_space,
                       "queue directory " + root_.string() + " has " + mib(*free) +
                           " free; queuing this message needs " + mib(required_free_space(size)) +
                           " (at least 100 MiB and twice its size)"};
    return false;
  }
  const auto now = options_.clock();
  envelope.id = make_entry_id(now);
  envelope.arrival = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  envelope.size = size;
  std::string text;
  if (!envelope_text(envelope, text, error)) return false;

  const fs::path tmp = root_ / kTmpDir / envelope.id;
  if (::mkdir(tmp.c_str(), 0700) != 0) {
    error = write_failure("create", tmp, last_error());
    return false;
  }
  TmpGuard guard(tmp);
  // Held while writing, so cleanup_tmp in another run never takes a slow enqueue for debris.
  UniqueFd lock = open_file(tmp / kLockFile, O_RDWR | O_CREAT | O_EXCL, 0600, ec);
  if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    error = write_failure("create", tmp / kLockFile, ec ? ec : last_error());
    return false;
  }
  UniqueFd message_fd;
  UniqueFd seven_bit_fd;
  UniqueFd envelope_fd;
  if (!write_content(tmp / kMessageFile, content.wire, message_fd, error)) return false;
  if (content.seven_bit &&
      !write_content(tmp / kSevenBitFile, *content.seven_bit, seven_bit_fd, error)) {
    return false;
  }
  if (!write_content(tmp / kEnvelopeFile, message::ContentView(text), envelope_fd, error)) {
    return false;
  }
  crash_point(kCrashEnqueueAfterWrite);
  for (const UniqueFd* fd : {&lock, &message_fd, &seven_bit_fd, &envelope_fd}) {
    if (*fd && (ec = fsync_fd(fd->get()))) {
      error = write_failure("write", tmp, ec);
      return false;
    }
  }
  if ((ec = fsync_directory(tmp))) {
    error = write_failure("write", tmp, ec);
    return false;
  }
  crash_point(kCrashEnqueueAfterFsync);
  const fs::path entries = root_ / kEntriesDir;
  if (::rename(tmp.c_str(), (entries / envelope.id).c_str()) != 0) {
    error = write_failure("move the new entry into", entries, last_error());
    return false;
  }
  guard.disarm();
  crash_point(kCrashEnqueueAfterRename);
  // Until entries/ is fsynced the rename may be lost in a power cut: only then is it queued.
  if ((ec = fsync_directory(entries))) {
    error = write_failure("write", entries, ec);
    std::error_code ignored;
    fs::remove_all(entries / envelope.id, ignored);
    return false;
  }
  crash_point(kCrashEnqueueAfterDirFsync);
  fsync_directory(root_ / kTmpDir);  // tmp/ lost a name; nothing depends on it
  return true;
}

bool Spool::list_ids(std::vector<std::string>& ids, SpoolError& error) const {
  ids.clear();
  if (!exists_) return true;
  const fs::path entries = root_ / kEntriesDir;
  DIR* dir = ::opendir(entries.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return true;
    error = failure(SpoolFailure::unreadable, "read queue directory", entries, last_error());
    return false;
  }
  errno = 0;
  while (const dirent* item = ::readdir(dir)) {
    if (valid_entry_id(item->d_name)) ids.emplace_back(item->d_name);
  }
  const int read_errno = errno;
  ::closedir(dir);
  if (read_errno != 0) {
    error = failure(SpoolFailure::unreadable, "read queue directory", entries,
                    {read_errno, std::generic_category()});
    return false;
  }
  std::sort(ids.begin(), ids.end());
  return true;
}

bool Spool::list(std::vector<ListedEntry>& entries, SpoolError& error) const {
  entries.clear();
  std::vector<std::string> ids;
  if (!list_ids(ids, error)) return false;
  for (std::string& id : ids) {
    ListedEntry entry;
    SpoolError why;
    if (!read_envelope_file(root_ / kEntriesDir / id, entry.envelope, why)) {
      // Removed since the directory was read: it is no longer queued.
      if (why.failure == SpoolFailure::unknown_entry) continue;
      entry.envelope = {};
      entry.error = std::move(why);
    }
    entry.id = std::move(id);
    entries.push_back(std::move(entry));
  }
  return true;
}

LockResult Spool::lock(std::string_view id, LockedEntry& out, SpoolError& error) const {
  out.release();
  if (!valid_entry_id(id) || !exists_) return LockResult::missing;
  const fs::path dir = root_ / kEntriesDir / std::string(id);
  const fs::path lock_path = dir / kLockFile;
  bool busy = false;
  std::error_code ec;
  UniqueFd fd = try_lock(lock_path, busy, ec);
  if (!fd) {
    if (busy) return LockResult::busy;
    if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory) {
      return LockResult::missing;
    }
    error = failure(SpoolFailure::unreadable, "lock", lock_path, ec);
    return LockResult::error;
  }
  // Removed (or moved to failed/) while we opened it: the lock is on a name no longer queued.
  struct stat held {};
  struct stat named {};
  if (::fstat(fd.get(), &held) != 0 || ::stat(lock_path.c_str(), &named) != 0 ||
      held.st_ino != named.st_ino || held.st_dev != named.st_dev) {
    return LockResult::missing;
  }
  out.root_ = root_;
  out.directory_ = dir;
  out.id_ = std::string(id);
  out.lock_fd_ = fd.release();
  return LockResult::locked;
}

std::size_t Spool::cleanup_tmp(std::chrono::seconds max_age) const {
  if (!exists_) return 0;
  const fs::path tmp = root_ / kTmpDir;
  std::vector<std::string> names;
  if (DIR* dir = ::opendir(tmp.c_str())) {
    while (const dirent* item = ::readdir(dir)) {
      if (valid_entry_id(item->d_name)) names.emplace_back(item->d_name);
    }
    ::closedir(dir);
  }
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       options_.clock().time_since_epoch()).count();
  std::size_t removed = 0;
  for (const std::string& name : names) {
    const fs::path debris = tmp / name;
    struct stat st {};
    if (::lstat(debris.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (now - st.st_mtime < max_age.count()) continue;
    bool busy = false;
    std::error_code ec;
    const UniqueFd held = try_lock(debris / kLockFile, busy, ec);
    if (busy) continue;  // an enqueue or a removal still at work
    std::error_code ignored;
    if (fs::remove_all(debris, ignored) > 0) ++removed;
  }
  return removed;
}

}  // namespace smtpsend::queue
