// queue/entry_id (private): the entry id, the one name an entry has on disk and on the command
// line, so it is checked before it becomes a path.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace smtpsend::queue {

inline constexpr std::size_t kMinEntryId = 16;
inline constexpr std::size_t kMaxEntryId = 64;

// 16 to 64 of [0-9A-Za-z]: no '/', no '.', nothing a shell or a path would read differently.
bool valid_entry_id(std::string_view id) noexcept;

// 16 upper-case hex digits of `arrival` in microseconds since the epoch, then 8 random
// [0-9A-Za-z]: ids sort by arrival, and two runs in one microsecond still differ.
std::string make_entry_id(std::chrono::system_clock::time_point arrival);

}  // namespace smtpsend::queue
