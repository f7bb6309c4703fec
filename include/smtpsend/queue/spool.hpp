// queue/spool: the queue directory on disk (docs/briefs "queue's shared design", SPEC.md
// "Queue"): Q/tmp/<id>/ being written, Q/entries/<id>/ queued, Q/failed/<id>/ kept bounces.
//
// Owns: creating the directory (0700), the refusal to queue (73 when it cannot be created, 75
// when it cannot be written or free space is below max(100 MiB, 2 × the message)), atomic
// enqueue (write into tmp/, fsync each file and the directory, rename into entries/, fsync
// entries/: only then is the entry queued), listing entries, the per-entry flock
// (LockedEntry: read and update the state by write-temp/fsync/rename, remove, move to
// failed/, the message read back in slices), and removing a killed run's debris in tmp/.
// Must not: send mail, decide the schedule (schedule.hpp) or compose bounces.
// Errors: SpoolError values (what failed and the exit code it means), never exceptions.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/message/message.hpp"
#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {

enum class SpoolFailure {
  cannot_create,  // the queue directory does not exist and cannot be made: 73 (EX_CANTCREAT)
  cannot_write,   // it cannot be written (permissions, read-only file system, I/O error): 75
  no_space,       // free space below the reserve, or ENOSPC/EDQUOT while writing: 75
  unreadable,     // an entry or the directory cannot be read: 74
  unknown_entry,  // no such entry (queue delete's unknown id): 64
  busy,           // another run holds the entry's lock: 75
  malformed,      // an entry's envelope does not parse: 74
};

struct SpoolError {
  SpoolFailure failure = SpoolFailure::cannot_write;
  std::string detail;  // one sentence naming the path
  ExitCode exit_code() const noexcept;  // sysexits.h, as listed above
};

// Bytes the file system must keep free to take a message: max(100 MiB, 2 × its size) (SPEC.md
// "Queue", issue 12 item 7).
inline constexpr std::uint64_t kMinFreeSpace = std::uint64_t{100} * 1024 * 1024;
std::uint64_t required_free_space(std::uint64_t message_size) noexcept;

// Bytes available to this user on the file system of `path` (statvfs f_bavail × f_frsize);
// nullopt with `error` set when it cannot be asked. Tests inject their own.
using FreeSpaceProbe =
    std::function<std::optional<std::uint64_t>(const std::filesystem::path& path,
                                               std::error_code& error)>;
std::optional<std::uint64_t> statvfs_free_space(const std::filesystem::path& path,
                                                std::error_code& error);

struct SpoolOptions {
  FreeSpaceProbe free_space = statvfs_free_space;
  // The arrival time and entry ids come from here (tests set a fixed time).
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

// The environment the default directory depends on; empty strings mean unset.
struct QueueEnvironment {
  std::string xdg_state_home;
  std::string home;
};
// SPEC.md: /var/spool/smtpsend for root (uid 0), else $XDG_STATE_HOME/smtpsend/queue, else
// $HOME/.local/state/smtpsend/queue (XDG Base Directory: a relative XDG_STATE_HOME is ignored).
// nullopt when neither is known.
std::optional<std::filesystem::path> default_queue_dir(unsigned uid, const QueueEnvironment& env);
// The same from this process's getuid() and environment.
std::optional<std::filesystem::path> default_queue_dir();

// What enqueue writes: `message` (Message::wire_content()) and, when the message has a 7-bit
// form, `message.7bit` (Message::seven_bit_content()). Both are read in slices, never whole.
struct EntryContent {
  message::ContentView wire;
  std::optional<message::ContentView> seven_bit;
};
// The content of a finished message (message::finalize_message): its 7-bit form only when it
// has one (eight_bit or long lines, and no error). A message whose 7-bit form is what every
// server gets (sends_seven_bit_form_everywhere: a long body line re-encoded) is queued as that
// form alone, in `message`.
EntryContent entry_content(const message::Message& message);
// The envelope's facts of the message: message_id, eight_bit, seven_bit_error (as
// entry_content writes it).
void set_message_facts(const message::Message& message, Envelope& envelope);

// One queued entry, as `queue list` shows it; `error` is set (and `envelope` empty) when its
// envelope cannot be read.
struct ListedEntry {
  std::string id;
  Envelope envelope;
  std::optional<SpoolError> error;
};

class Spool;

// An entry whose lock this process holds (flock LOCK_EX on Q/entries/<id>/lock); released when
// this value is destroyed or the process dies, so a killed run never leaves a stale lock.
class LockedEntry {
 public:
  LockedEntry() = default;
  ~LockedEntry();
  LockedEntry(LockedEntry&& other) noexcept;
  LockedEntry& operator=(LockedEntry&& other) noexcept;
  LockedEntry(const LockedEntry&) = delete;
  LockedEntry& operator=(const LockedEntry&) = delete;

  bool held() const noexcept { return lock_fd_ >= 0; }
  const std::string& id() const noexcept { return id_; }
  // Q/entries/<id>/ (Q/failed/<id>/ after move_to_failed).
  const std::filesystem::path& directory() const noexcept { return directory_; }
  std::filesystem::path message_path() const;
  std::filesystem::path seven_bit_path() const;  // may not exist
  bool has_seven_bit() const;

  bool read_envelope(Envelope& out, SpoolError& error) const;
  // Write `envelope.tmp`, fsync, rename over `envelope`, fsync the directory (crash points
  // update:before-rename, update:after-rename).
  bool update(const Envelope& envelope, SpoolError& error);
  // The message for delivery: the head in memory, the rest read from `message` in slices
  // (Message::spooled), the 7-bit form from `message.7bit` (Message::seven_bit_stream) when
  // present; eight_bit from the envelope. Never holds either file whole.
  bool load_message(const Envelope& envelope, message::Message& out, SpoolError& error) const;
  // Deletes the entry's files and directory (every recipient done, or `queue delete`).
  bool remove(SpoolError& error);
  // Renames the entry to Q/failed/<id>/ (a bounce that cannot be delivered); the lock stays
  // held until this value is destroyed.
  bool move_to_failed(SpoolError& error);
  void release() noexcept;

 private:
  friend class Spool;
  std::filesystem::path root_;
  std::filesystem::path directory_;
  std::string id_;
  int lock_fd_ = -1;
};

enum class LockResult { locked, busy, missing, error };

class Spool {
 public:
  // Opens the queue directory `dir`, creating it (0700) and its tmp/, entries/ and failed/ when
  // missing. Fails with cannot_create when `dir` cannot be made, cannot_write when it exists
  // but cannot be written.
  static bool open(const std::filesystem::path& dir, Spool& out, SpoolError& error,
                   SpoolOptions options = {});
  // Opens an existing queue for reading only (queue list, queue delete): a missing directory
  // is an empty queue, nothing is created.
  static bool open_existing(const std::filesystem::path& dir, Spool& out, SpoolError& error,
                            SpoolOptions options = {});

  const std::filesystem::path& directory() const noexcept { return root_; }
  bool exists() const noexcept { return exists_; }

  // A fresh id: 16 hex digits of the arrival in microseconds, then 8 random [0-9A-Za-z]; sorts
  // by arrival.
  std::string new_id() const;

  // Queues `content` under `envelope` (its id, arrival and size are set here and returned in
  // it). Checks free space first (no_space), writes Q/tmp/<id>/, fsyncs, renames to
  // Q/entries/<id>/, fsyncs entries/; on failure nothing stays behind in entries/ and the tmp
  // directory is removed. Crash points enqueue:after-write, after-fsync, after-rename,
  // after-dir-fsync.
  bool enqueue(Envelope& envelope, const EntryContent& content, SpoolError& error);

  // Ids in entries/, sorted (by arrival).
  bool list_ids(std::vector<std::string>& ids, SpoolError& error) const;
  // Each entry with its envelope, read without locking (state is replaced by rename, so a read
  // sees the old or the new state whole).
  bool list(std::vector<ListedEntry>& entries, SpoolError& error) const;

  // flock(LOCK_EX | LOCK_NB) of Q/entries/<id>/lock. busy: another process holds it; missing:
  // no such entry (also when it was removed while we waited for the lock); error: `error` set.
  LockResult lock(std::string_view id, LockedEntry& out, SpoolError& error) const;

  // Removes tmp/<id>/ directories older than `max_age` (a killed enqueue's debris); returns
  // how many were removed. Errors are ignored: debris is harmless and tried again next run.
  std::size_t cleanup_tmp(std::chrono::seconds max_age = std::chrono::hours(1)) const;

  // True for a well-formed entry id (16 to 64 of [0-9A-Za-z]): ids from the command line are
  // checked before they become paths.
  static bool valid_id(std::string_view id) noexcept;

 private:
  std::filesystem::path root_;
  SpoolOptions options_;
  bool exists_ = false;
};

}  // namespace smtpsend::queue
