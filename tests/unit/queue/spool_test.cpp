#include "smtpsend/queue/spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "smtpsend/queue/crash_point.hpp"
#include "smtpsend/queue/envelope.hpp"

namespace smtpsend::queue {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1024 * 1024;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "queue_test.XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& item : fs::directory_iterator(dir)) names.push_back(item.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

SpoolOptions plenty_of_space() {
  SpoolOptions options;
  options.free_space = [](const fs::path&, std::error_code&) -> std::optional<std::uint64_t> {
    return std::uint64_t{1} << 40;
  };
  return options;
}

Envelope envelope_for(std::string rcpt) {
  Envelope e;
  e.sender = "cron@host.example";
  RecipientState r;
  r.address = std::move(rcpt);
  e.recipients.push_back(r);
  return e;
}

const std::string kMessage =
    "Date: Mon, 7 Dec 2026 00:00:00 +0000\r\nMessage-ID: <a@b>\r\nSubject: hi\r\n\r\nbody\r\n";

struct Queued {
  TempDir dir;
  Spool spool;
  Envelope envelope = envelope_for("root@example.com");
  Queued(SpoolOptions options = plenty_of_space()) {
    SpoolError error;
    EXPECT_TRUE(Spool::open(dir.path() / "q", spool, error, std::move(options))) << error.detail;
    EXPECT_TRUE(spool.enqueue(envelope, EntryContent{kMessage, {}}, error)) << error.detail;
  }
  fs::path entry() const { return dir.path() / "q/entries" / envelope.id; }
};

TEST(Spool, OpenCreatesTheDirectoryAndItsPartsPrivate) {
  TempDir dir;
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "state/smtpsend/queue", spool, error)) << error.detail;
  for (const char* sub : {"", "tmp", "entries", "failed"}) {
    EXPECT_EQ(mode_of(dir.path() / "state/smtpsend/queue" / sub), 0700U) << sub;
  }
  EXPECT_EQ(mode_of(dir.path() / "state"), 0700U);
  EXPECT_TRUE(Spool::open(dir.path() / "state/smtpsend/queue", spool, error)) << "twice";
}

TEST(Spool, DirectoryThatCannotBeCreatedIs73) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  Spool spool;
  SpoolError error;
  ASSERT_FALSE(Spool::open(dir.path() / "file/queue", spool, error));
  EXPECT_EQ(error.failure, SpoolFailure::cannot_create);
  EXPECT_EQ(static_cast<int>(error.exit_code()), 73);
  EXPECT_EQ(error.detail, "cannot create queue directory " + (dir.path() / "file/queue").string() +
                              ": Not a directory");
}

TEST(Spool, DirectoryThatCannotBeWrittenIs75) {
  TempDir dir;
  fs::create_directory(dir.path() / "q");
  std::ofstream(dir.path() / "q/tmp") << "x";  // in the way of tmp/, whoever runs the test
  Spool spool;
  SpoolError error;
  ASSERT_FALSE(Spool::open(dir.path() / "q", spool, error));
  EXPECT_EQ(error.failure, SpoolFailure::cannot_write);
  EXPECT_EQ(static_cast<int>(error.exit_code()), 75);
}

TEST(Spool, EnqueueIntoADirectoryThatBecameUnwritableIs75AndLeavesNothing) {
  TempDir dir;
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, plenty_of_space()));
  fs::remove(dir.path() / "q/tmp");
  std::ofstream(dir.path() / "q/tmp") << "x";
  Envelope e = envelope_for("a@b.example");
  ASSERT_FALSE(spool.enqueue(e, EntryContent{kMessage, {}}, error));
  EXPECT_EQ(static_cast<int>(error.exit_code()), 75);
  EXPECT_TRUE(names_in(dir.path() / "q/entries").empty());
}

TEST(Spool, FreeSpaceBelowTheReserveIsRefusedWith75) {
  TempDir dir;
  std::uint64_t free = 100 * kMiB - 1;
  SpoolOptions options;
  options.free_space = [&](const fs::path&, std::error_code&) -> std::optional<std::uint64_t> {
    return free;
  };
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, options));
  Envelope e = envelope_for("a@b.example");
  ASSERT_FALSE(spool.enqueue(e, EntryContent{kMessage, {}}, error));
  EXPECT_EQ(error.failure, SpoolFailure::no_space);
  EXPECT_EQ(static_cast<int>(error.exit_code()), 75);
  EXPECT_NE(error.detail.find("has 100 MiB free; queuing this message needs 100 MiB"),
            std::string::npos) << error.detail;
  EXPECT_TRUE(names_in(dir.path() / "q/tmp").empty());
  free = 100 * kMiB;
  EXPECT_TRUE(spool.enqueue(e, EntryContent{kMessage, {}}, error)) << error.detail;
}

// A source as large as asked, never read: the refusal comes before a byte is written.
class HugeSource final : public message::ContentSource {
 public:
  std::uint64_t size() const noexcept override { return 80 * kMiB; }
  std::unique_ptr<message::ContentCursor> open() const override {
    ADD_FAILURE() << "read although refused";
    return nullptr;
  }
};

TEST(Spool, FreeSpaceMustBeTwiceALargeMessage) {
  TempDir dir;
  SpoolOptions options;
  options.free_space = [](const fs::path&, std::error_code&) -> std::optional<std::uint64_t> {
    return 160 * kMiB - 1;
  };
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, options));
  HugeSource huge;
  Envelope e = envelope_for("a@b.example");
  ASSERT_FALSE(spool.enqueue(e, EntryContent{message::ContentView({}, &huge), {}}, error));
  EXPECT_EQ(error.failure, SpoolFailure::no_space);
  EXPECT_NE(error.detail.find("needs 160 MiB"), std::string::npos) << error.detail;
}

TEST(Spool, FreeSpaceThatCannotBeAskedIsRefused) {
  TempDir dir;
  SpoolOptions options;
  options.free_space = [](const fs::path&, std::error_code& ec) -> std::optional<std::uint64_t> {
    ec = std::make_error_code(std::errc::io_error);
    return std::nullopt;
  };
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, options));
  Envelope e = envelope_for("a@b.example");
  ASSERT_FALSE(spool.enqueue(e, EntryContent{kMessage, {}}, error));
  EXPECT_EQ(static_cast<int>(error.exit_code()), 75);
}

TEST(Spool, RequiredFreeSpace) {
  EXPECT_EQ(required_free_space(0), 100 * kMiB);
  EXPECT_EQ(required_free_space(50 * kMiB), 100 * kMiB);
  EXPECT_EQ(required_free_space(50 * kMiB + 1), 100 * kMiB + 2);
  EXPECT_EQ(required_free_space(UINT64_MAX), UINT64_MAX);
}

TEST(Spool, EnqueueWritesAWholeEntry) {
  TempDir dir;
  std::int64_t seconds = 1'765'000'000;
  SpoolOptions options = plenty_of_space();
  options.clock = [&] { return std::chrono::system_clock::time_point(std::chrono::seconds(seconds)); };
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, options));
  Envelope e = envelope_for("root@example.com");
  ASSERT_TRUE(spool.enqueue(e, EntryContent{kMessage, message::ContentView("seven\r\n")}, error))
      << error.detail;
  EXPECT_TRUE(Spool::valid_id(e.id));
  EXPECT_EQ(e.arrival, seconds);
  EXPECT_EQ(e.size, kMessage.size());
  const fs::path entry = dir.path() / "q/entries" / e.id;
  EXPECT_EQ(names_in(entry),
            (std::vector<std::string>{"envelope", "lock", "message", "message.7bit"}));
  EXPECT_EQ(read_file(entry / "message"), kMessage);
  EXPECT_EQ(read_file(entry / "message.7bit"), "seven\r\n");
  for (const char* file : {"envelope", "lock", "message", "message.7bit"}) {
    EXPECT_EQ(mode_of(entry / file), 0600U) << file;
  }
  Envelope back;
  std::string why;
  ASSERT_TRUE(parse_envelope(read_file(entry / "envelope"), back, why)) << why;
  EXPECT_EQ(back, e);
  EXPECT_TRUE(names_in(dir.path() / "q/tmp").empty());
  // Ids sort by arrival.
  seconds += 1;
  Envelope later = envelope_for("x@example.com");
  ASSERT_TRUE(spool.enqueue(later, EntryContent{kMessage, {}}, error));
  EXPECT_LT(e.id, later.id);
  std::vector<std::string> ids;
  ASSERT_TRUE(spool.list_ids(ids, error));
  EXPECT_EQ(ids, (std::vector<std::string>{e.id, later.id}));
}

TEST(Spool, EnqueueStreamsAFileBackedBody) {
  TempDir dir;
  // 3 MiB of body in a file, bare LFs: written canonicalised, without holding it whole.
  const fs::path input = dir.path() / "body";
  std::string body;
  for (int i = 0; i < 3 * 1024 * 32; ++i) body += std::string(31, 'a' + i % 26) + "\n";
  std::ofstream(input, std::ios::binary) << body;
  const int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  message::CanonicalSize counted;
  counted.add(body);
  const message::SpooledBody tail(fd, 0, body.size(), counted.finish(), input.string());
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, plenty_of_space()));
  Envelope e = envelope_for("a@b.example");
  ASSERT_TRUE(spool.enqueue(e, EntryContent{message::ContentView("Subject: x\r\n\r\n", &tail), {}},
                            error)) << error.detail;
  EXPECT_EQ(read_file(dir.path() / "q/entries" / e.id / "message"),
            "Subject: x\r\n\r\n" + message::canonicalize_crlf(body));
  EXPECT_EQ(e.size, 14 + counted.finish());
}

TEST(Spool, ListShowsEntriesWithTheirEnvelopes) {
  Queued q;
  std::vector<ListedEntry> entries;
  SpoolError error;
  ASSERT_TRUE(q.spool.list(entries, error));
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].id, q.envelope.id);
  EXPECT_EQ(entries[0].envelope, q.envelope);
  EXPECT_FALSE(entries[0].error);
}

TEST(Spool, ListReportsAnEntryThatDoesNotParse) {
  Queued q;
  std::ofstream(q.entry() / "envelope") << "garbage\n";
  std::vector<ListedEntry> entries;
  SpoolError error;
  ASSERT_TRUE(q.spool.list(entries, error));
  ASSERT_EQ(entries.size(), 1U);
  ASSERT_TRUE(entries[0].error);
  EXPECT_EQ(entries[0].error->failure, SpoolFailure::malformed);
  EXPECT_NE(entries[0].error->detail.find("not a smtpsend queue envelope"), std::string::npos);
}

TEST(Spool, ListIgnoresTmpAndStrayNames) {
  Queued q;
  fs::create_directory(q.dir.path() / "q/tmp/0123456789abcdefXYZ");
  fs::create_directory(q.dir.path() / "q/entries/.hidden");
  std::vector<std::string> ids;
  SpoolError error;
  ASSERT_TRUE(q.spool.list_ids(ids, error));
  EXPECT_EQ(ids, std::vector<std::string>{q.envelope.id});
}

TEST(Spool, MissingQueueIsEmptyForReaders) {
  TempDir dir;
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open_existing(dir.path() / "none", spool, error));
  EXPECT_FALSE(spool.exists());
  std::vector<ListedEntry> entries;
  EXPECT_TRUE(spool.list(entries, error));
  EXPECT_TRUE(entries.empty());
  EXPECT_FALSE(fs::exists(dir.path() / "none"));
}

TEST(LockedEntry, ASecondLockFailsWhileHeldAndSucceedsAfterRelease) {
  Queued q;
  SpoolError error;
  LockedEntry first;
  ASSERT_EQ(q.spool.lock(q.envelope.id, first, error), LockResult::locked);
  EXPECT_TRUE(first.held());
  {
    LockedEntry second;
    EXPECT_EQ(q.spool.lock(q.envelope.id, second, error), LockResult::busy);
    EXPECT_FALSE(second.held());
  }
  first = LockedEntry();  // released
  LockedEntry third;
  EXPECT_EQ(q.spool.lock(q.envelope.id, third, error), LockResult::locked);
}

TEST(LockedEntry, ALockDiesWithItsProcess) {
  Queued q;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SpoolError error;
    LockedEntry held;
    const char verdict = q.spool.lock(q.envelope.id, held, error) == LockResult::locked ? 'L' : 'x';
    (void)!::write(ready[1], &verdict, 1);
    ::pause();  // killed while holding it
    ::_exit(2);
  }
  ::close(ready[1]);
  pollfd wait_for{ready[0], POLLIN, 0};
  ASSERT_EQ(::poll(&wait_for, 1, 10'000), 1);  // bounded
  char verdict = 0;
  ASSERT_EQ(::read(ready[0], &verdict, 1), 1);
  ::close(ready[0]);
  EXPECT_EQ(verdict, 'L');
  SpoolError error;
  LockedEntry mine;
  EXPECT_EQ(q.spool.lock(q.envelope.id, mine, error), LockResult::busy);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(q.spool.lock(q.envelope.id, mine, error), LockResult::locked);
}

TEST(LockedEntry, UnknownAndMalformedIdsAreMissing) {
  Queued q;
  LockedEntry entry;
  SpoolError error;
  EXPECT_EQ(q.spool.lock("0000000000000000AAAAAAAA", entry, error), LockResult::missing);
  EXPECT_EQ(q.spool.lock("../../etc", entry, error), LockResult::missing);
  EXPECT_EQ(q.spool.lock("", entry, error), LockResult::missing);
}

TEST(LockedEntry, UpdateReplacesTheStateAtomically) {
  Queued q;
  SpoolError error;
  LockedEntry entry;
  ASSERT_EQ(q.spool.lock(q.envelope.id, entry, error), LockResult::locked);
  Envelope state;
  ASSERT_TRUE(entry.read_envelope(state, error)) << error.detail;
  EXPECT_EQ(state, q.envelope);
  state.recipients[0].attempts = 1;
  state.recipients[0].last_reply = LastReply{450, "4.2.0", "Greylisted"};
  state.recipients[0].next_try = 1234;
  ASSERT_TRUE(entry.update(state, error)) << error.detail;
  Envelope back;
  ASSERT_TRUE(entry.read_envelope(back, error));
  EXPECT_EQ(back, state);
  EXPECT_EQ(names_in(q.entry()), (std::vector<std::string>{"envelope", "lock", "message"}));
  EXPECT_EQ(mode_of(q.entry() / "envelope"), 0600U);
}

TEST(LockedEntry, UpdateRefusesAnEnvelopeThatWouldNotReadBack) {
  Queued q;
  SpoolError error;
  LockedEntry entry;
  ASSERT_EQ(q.spool.lock(q.envelope.id, entry, error), LockResult::locked);
  Envelope state = q.envelope;
  state.recipients.clear();
  EXPECT_FALSE(entry.update(state, error));
  Envelope back;
  ASSERT_TRUE(entry.read_envelope(back, error));
  EXPECT_EQ(back, q.envelope);
}

TEST(LockedEntry, RemoveLeavesNoTrace) {
  Queued q;
  SpoolError error;
  LockedEntry entry;
  ASSERT_EQ(q.spool.lock(q.envelope.id, entry, error), LockResult::locked);
  ASSERT_TRUE(entry.remove(error)) << error.detail;
  EXPECT_TRUE(names_in(q.dir.path() / "q/entries").empty());
  EXPECT_TRUE(names_in(q.dir.path() / "q/tmp").empty());
  LockedEntry again;
  EXPECT_EQ(q.spool.lock(q.envelope.id, again, error), LockResult::missing);
}

TEST(LockedEntry, MoveToFailedTakesItOutOfTheQueue) {
  Queued q;
  SpoolError error;
  LockedEntry entry;
  ASSERT_EQ(q.spool.lock(q.envelope.id, entry, error), LockResult::locked);
  ASSERT_TRUE(entry.move_to_failed(error)) << error.detail;
  EXPECT_EQ(names_in(q.dir.path() / "q/failed"), std::vector<std::string>{q.envelope.id});
  EXPECT_EQ(entry.directory(), q.dir.path() / "q/failed" / q.envelope.id);
  std::vector<std::string> ids;
  ASSERT_TRUE(q.spool.list_ids(ids, error));
  EXPECT_TRUE(ids.empty());
  Envelope back;
  EXPECT_TRUE(entry.read_envelope(back, error));
}

TEST(LockedEntry, ALockTakenBeforeARemovalSeesTheEntryGone) {
  Queued q;
  SpoolError error;
  LockedEntry entry;
  ASSERT_EQ(q.spool.lock(q.envelope.id, entry, error), LockResult::locked);
  // The other run opened the lock file, then we removed the entry and released it.
  const int early = ::open((q.entry() / "lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(early, 0);
  ASSERT_TRUE(entry.remove(error));
  entry.release();
  ::close(early);
  LockedEntry late;
  EXPECT_EQ(q.spool.lock(q.envelope.id, late, error), LockResult::missing);
}

void age(const fs::path& path, int seconds) {
  struct timeval times[2];
  ::gettimeofday(&times[0], nullptr);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  ASSERT_EQ(::utimes(path.c_str(), times), 0);
}

TEST(Spool, CleanupRemovesOldUnlockedDebrisOnly) {
  Queued q;
  const fs::path tmp = q.dir.path() / "q/tmp";
  for (const char* name : {"0000000000000001old", "0000000000000002new", "0000000000000003held"}) {
    fs::create_directory(tmp / name);
    std::ofstream(tmp / name / "lock");
    std::ofstream(tmp / name / "message") << "half";
  }
  age(tmp / "0000000000000001old", 3601);
  age(tmp / "0000000000000003held", 3601);
  const int held = ::open((tmp / "0000000000000003held/lock").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  EXPECT_EQ(q.spool.cleanup_tmp(), 1U);
  EXPECT_EQ(names_in(tmp),
            (std::vector<std::string>{"0000000000000002new", "0000000000000003held"}));
  ::close(held);
  EXPECT_EQ(q.spool.cleanup_tmp(std::chrono::seconds(0)), 2U);
  EXPECT_EQ(names_in(q.dir.path() / "q/entries"), std::vector<std::string>{q.envelope.id});
}

TEST(DefaultQueueDir, FollowsSpec) {
  EXPECT_EQ(default_queue_dir(0, {"/x", "/root"}), fs::path("/var/spool/smtpsend"));
  EXPECT_EQ(default_queue_dir(1000, {"/s", "/home/u"}), fs::path("/s/smtpsend/queue"));
  EXPECT_EQ(default_queue_dir(1000, {"", "/home/u"}), fs::path("/home/u/.local/state/smtpsend/queue"));
  EXPECT_EQ(default_queue_dir(1000, {"relative", "/home/u"}),
            fs::path("/home/u/.local/state/smtpsend/queue"));
  EXPECT_EQ(default_queue_dir(1000, {"", ""}), std::nullopt);
}

}  // namespace
}  // namespace smtpsend::queue

namespace smtpsend::queue {
namespace {

TEST(Spool, EnqueueRefusesAnEnvelopeThatWouldNotReadBackAndWritesNothing) {
  TempDir dir;
  Spool spool;
  SpoolError error;
  ASSERT_TRUE(Spool::open(dir.path() / "q", spool, error, plenty_of_space()));
  Envelope no_recipient;
  no_recipient.sender = "a@b.example";
  EXPECT_FALSE(spool.enqueue(no_recipient, EntryContent{kMessage, {}}, error));
  EXPECT_NE(error.detail.find("no recipient"), std::string::npos) << error.detail;
  EXPECT_TRUE(names_in(dir.path() / "q/tmp").empty());
  EXPECT_TRUE(names_in(dir.path() / "q/entries").empty());
}

// The seam kills only when named, and then with SIGKILL (no handler, no cleanup).
TEST(CrashPoint, KillsOnlyAtTheNamedStep) {
  for (const bool named : {false, true}) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::setenv("SMTPSEND_TEST_CRASH_AT", named ? "enqueue:after-fsync" : "enqueue:after-write", 1);
      crash_point(kCrashEnqueueAfterFsync);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    if (named) {
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    } else {
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    }
  }
}

}  // namespace
}  // namespace smtpsend::queue
