#include "smtpsend/delivery/descriptor_budget.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <string_view>

namespace smtpsend::delivery {
namespace {

// Probing each number costs one system call; past this many the limit is generous anyway and
// the descriptors above are not counted.
constexpr std::size_t kProbeAtMost = 65536;

// Linux lists the open descriptors in /proc/self/fd (the listing's own descriptor included,
// which is closed again before anything else opens).
std::optional<std::size_t> listed_in_proc(std::size_t limit) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  const int own = ::dirfd(dir);
  std::size_t open = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    std::size_t fd = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
    if (ec != std::errc{} || end != name.data() + name.size()) continue;  // "." and ".."
    if (static_cast<int>(fd) != own && fd < limit) ++open;
  }
  ::closedir(dir);
  return open;
}

std::size_t probed(std::size_t limit) {
  std::size_t open = 0;
  for (std::size_t fd = 0; fd < std::min(limit, kProbeAtMost); ++fd) {
    if (::fcntl(static_cast<int>(fd), F_GETFD) != -1) ++open;
  }
  return open;
}

}  // namespace

std::size_t parallel_within(std::size_t requested, const DescriptorBudget& budget) {
  const std::size_t taken = budget.in_use + budget.resolver + kTransientDescriptors;
  const std::size_t free = budget.limit > taken ? budget.limit - taken : 0;
  return std::clamp<std::size_t>(free / kDescriptorsPerDestination, 1,
                                 std::max<std::size_t>(requested, 1));
}

std::optional<DescriptorBudget> current_descriptor_budget(std::size_t resolver_descriptors) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return std::nullopt;
  }
  DescriptorBudget budget;
  budget.limit = static_cast<std::size_t>(limit.rlim_cur);
  const std::optional<std::size_t> listed = listed_in_proc(budget.limit);
  budget.in_use = listed ? *listed : probed(budget.limit);
  budget.resolver = resolver_descriptors;
  return budget;
}

}  // namespace smtpsend::delivery
