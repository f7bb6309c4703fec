// delivery/descriptor_budget: how many destinations fit in the open-files limit at once.
//
// A destination being delivered holds one socket (TLS runs over the same descriptor, and the
// next address is connected only after the last one is closed). The resolver's sockets are
// shared by every destination (dns::Resolver::descriptors_at_most). Whatever the process holds
// when delivery starts (stdin/out/err, the io_context's epoll and eventfd, message and spool
// files) is counted as it is, not guessed. A --max-parallel that does not fit is lowered, so a
// low `ulimit -n` makes a run slower instead of deferring its mail (docs/decisions.md).
#pragma once

#include <cstddef>
#include <optional>

namespace smtpsend::delivery {

inline constexpr std::size_t kDescriptorsPerDestination = 1;
// Descriptors opened for a moment while destinations run: a CA file or a --ca-path certificate
// read during a handshake, /etc files read by libraries. Handshakes run one at a time on the
// one thread, so a few suffice.
inline constexpr std::size_t kTransientDescriptors = 4;

struct DescriptorBudget {
  std::size_t limit = 0;     // RLIMIT_NOFILE soft limit: every descriptor number is below it
  std::size_t in_use = 0;    // descriptors below `limit` open when delivery starts
  std::size_t resolver = 0;  // sockets the resolver may open on top
};

// `requested` (--max-parallel), lowered to the number of destinations whose sockets fit in
// what the budget leaves free; never below 1 (one destination at a time is always tried).
std::size_t parallel_within(std::size_t requested, const DescriptorBudget& budget);

// This process's budget now, from getrlimit(RLIMIT_NOFILE) and the descriptors open; nullopt
// when there is no limit or it cannot be read (then nothing is lowered).
std::optional<DescriptorBudget> current_descriptor_budget(std::size_t resolver_descriptors);

}  // namespace smtpsend::delivery
