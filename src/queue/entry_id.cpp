#include "entry_id.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

#include "smtpsend/queue/spool.hpp"

namespace smtpsend::queue {

bool valid_entry_id(std::string_view id) noexcept {
  return id.size() >= kMinEntryId && id.size() <= kMaxEntryId &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
         });
}

bool Spool::valid_id(std::string_view id) noexcept { return valid_entry_id(id); }

std::string make_entry_id(std::chrono::system_clock::time_point arrival) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr char kAlnum[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          arrival.time_since_epoch()).count();
  auto value = static_cast<std::uint64_t>(std::max<std::int64_t>(micros, 0));
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) id[static_cast<std::size_t>(i)] = kHex[value & 0xf];
  std::random_device device;
  std::uniform_int_distribution<int> pick(0, static_cast<int>(sizeof kAlnum) - 2);
  for (int i = 0; i < 8; ++i) id += kAlnum[pick(device)];
  return id;
}

}  // namespace smtpsend::queue
