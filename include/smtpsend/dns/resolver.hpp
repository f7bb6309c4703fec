// dns/resolver: c-ares driven by the io_context (Debian's c-ares 1.18 has no event thread).
//
// Owns: one ares_channel per Resolver; the socket-state callback maps each c-ares fd to a
// posix::stream_descriptor waiting in the wanted directions (released, never closed: c-ares
// owns the fd); one steady_timer re-armed from ares_timeout after every c-ares call. c-ares
// callbacks never resume a coroutine inline: they post to the executor, and tolerate
// ARES_EDESTRUCTION / ARES_ECANCELLED without touching freed state. Each lookup has its own
// deadline: when it passes, that lookup completes with LookupStatus::timeout; other lookups
// are unaffected. A lookup that never reached a server says so (unreachable, local_error, with
// a sentence in `failure`), never SERVFAIL. Must not: block, or know about SMTP.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/core/transcript.hpp"
#include "smtpsend/dns/answer.hpp"
#include "smtpsend/dns/records.hpp"

namespace smtpsend::dns {

struct ResolverOptions {
  std::vector<std::string> servers;  // "IP", "IP:PORT", "[IPv6]:PORT"; empty = the system's
  std::chrono::milliseconds try_timeout{3000};  // c-ares per-try timeout
  int tries = 3;
  TranscriptSink* transcript = nullptr;          // -vv: queries and answers (level 2)
};

class Resolver {
 public:
  // Fails (returns null, `ec` set to Errc::dns_error, `detail` one sentence) when c-ares cannot
  // be initialised or a --dns-server value is invalid.
  static std::unique_ptr<Resolver> create(boost::asio::any_io_executor executor,
                                          ResolverOptions options, std::error_code& ec,
                                          std::string& detail);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // MX lookup of `domain` (A-label form). Never throws for DNS outcomes.
  boost::asio::awaitable<MxAnswer> query_mx(std::string domain,
                                            std::chrono::steady_clock::time_point deadline);
  // Addresses of `host`: localhost names are loopback without a lookup (local_names.hpp); a
  // name in the hosts file takes its addresses from there; otherwise A and/or AAAA of `host`,
  // queried in parallel when both are wanted; IPv6 first in the
  // result only if `family` is ipv6. Status: ok if either family has records; nxdomain if
  // both say nxdomain; nodata if neither has records; otherwise the temporary status.
  boost::asio::awaitable<AddressAnswer> query_addresses(
      std::string host, AddressFamily family, std::chrono::steady_clock::time_point deadline);

  // DNS only, one family: A (ipv6 = false) or AAAA records of `name`, without the localhost
  // rule or the hosts file, as a remote server checking this host sees them (forward-confirmed
  // reverse DNS, SPF's a/mx mechanisms, DNSBL queries).
  boost::asio::awaitable<AddressAnswer> query_address_records(
      std::string name, bool ipv6, std::chrono::steady_clock::time_point deadline);
  // TXT records of `name` (SPF, DKIM keys, DMARC policies). Same status conventions as query_mx.
  boost::asio::awaitable<TxtAnswer> query_txt(std::string name,
                                              std::chrono::steady_clock::time_point deadline);
  // PTR records of `name`, a reverse name (reverse_lookup_name() in records.hpp) or any name.
  boost::asio::awaitable<NameAnswer> query_ptr(std::string name,
                                               std::chrono::steady_clock::time_point deadline);

  // File descriptors lookups may hold at once, however many run (for --max-parallel's cap).
  std::size_t descriptors_at_most() const;

  struct Impl;

 private:
  explicit Resolver(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace smtpsend::dns
