// queue/entry_files (private): the names inside an entry directory and the queue directory,
// and reading an entry's envelope file (shared by Spool::list and LockedEntry).
#pragma once

#include <filesystem>
#include <string_view>

#include "smtpsend/queue/envelope.hpp"
#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {

inline constexpr std::string_view kTmpDir = "tmp";
inline constexpr std::string_view kEntriesDir = "entries";
inline constexpr std::string_view kFailedDir = "failed";

inline constexpr std::string_view kMessageFile = "message";
inline constexpr std::string_view kSevenBitFile = "message.7bit";
inline constexpr std::string_view kEnvelopeFile = "envelope";
inline constexpr std::string_view kEnvelopeTmpFile = "envelope.tmp";
inline constexpr std::string_view kLockFile = "lock";

// Reads and parses `dir`/envelope in slices. A file that does not exist is unknown_entry; one
// that cannot be read, unreadable; one that does not parse, malformed (naming the file).
bool read_envelope_file(const std::filesystem::path& dir, Envelope& out, SpoolError& error);

// The text to write, checked to parse back (a value that would break a bound fails here,
// before anything is written, rather than when the entry is read).
bool envelope_text(const Envelope& envelope, std::string& text, SpoolError& error);

}  // namespace smtpsend::queue
