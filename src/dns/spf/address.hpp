// dns/spf: the client address as check_host() sees it (RFC 7208 §5): IPv4 or IPv6, an
// IPv4-mapped IPv6 address taken as the IPv4 address it carries (§5, "MUST still be considered an
// IPv4 address"), network matching for ip4/ip6/a/mx, and the two text forms the %{i} and %{c}
// macros use (§7.3). Private to dns/spf.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smtpsend::dns::spf {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4
  unsigned bits() const { return v6 ? 128 : 32; }
};

// A client or DNS answer address in either family; an IPv4-mapped IPv6 address becomes IPv4.
std::optional<IpAddress> parse_ip(std::string_view text);
// ip4-network of RFC 7208 §12: four qnums, no leading zeros.
std::optional<IpAddress> parse_ip4_network(std::string_view text);
// ip6-network (RFC 4291 §2.2), kept as IPv6 even when it is IPv4-mapped: ip6 never matches an
// IPv4 client (§5).
std::optional<IpAddress> parse_ip6_network(std::string_view text);

// Whether `ip` lies in `network`/`prefix`; addresses of different families never match.
bool in_network(const IpAddress& ip, const IpAddress& network, unsigned prefix);

// %{c}: dotted quad, or RFC 5952 text (lowercase, the longest run of zero groups as "::").
std::string readable_ip(const IpAddress& ip);
// %{i}: dotted quad, or 32 dot-separated nibbles (uppercase, as the RFC 7208 test suite
// expects; DNS compares names without regard to case).
std::string dotted_ip(const IpAddress& ip);
// The name of the PTR query (§5.5): %{ir}.%{v}.arpa.
std::string reverse_lookup_name(const IpAddress& ip);

}  // namespace smtpsend::dns::spf
