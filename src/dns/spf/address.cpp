// dns/spf: client and network addresses (RFC 7208 §5, §5.6, §7.3).
#include "address.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace smtpsend::dns::spf {
namespace {

constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<IpAddress> parse_v6(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  char buffer[46];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, buffer, ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

bool is_mapped(const IpAddress& ip) {
  return ip.v6 && std::memcmp(ip.bytes.data(), mapped_prefix.data(), mapped_prefix.size()) == 0;
}

char hex_digit(unsigned value, bool upper) {
  return static_cast<char>(value < 10 ? '0' + value : (upper ? 'A' : 'a') + value - 10);
}

}  // namespace

std::optional<IpAddress> parse_ip4_network(std::string_view text) {
  IpAddress ip;
  std::size_t at = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (at >= text.size() || text[at] != '.') return std::nullopt;
      ++at;
    }
    std::size_t start = at;
    unsigned value = 0;
    while (at < text.size() && at - start < 3 && text[at] >= '0' && text[at] <= '9')
      value = value * 10 + static_cast<unsigned>(text[at++] - '0');
    std::size_t length = at - start;
    // qnum: no leading zero, at most 255.
    if (length == 0 || value > 255 || (length > 1 && text[start] == '0')) return std::nullopt;
    ip.bytes[part] = static_cast<std::uint8_t>(value);
  }
  if (at != text.size()) return std::nullopt;
  return ip;
}

std::optional<IpAddress> parse_ip6_network(std::string_view text) { return parse_v6(text); }

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (auto v4 = parse_ip4_network(text)) return v4;
  auto v6 = parse_v6(text);
  if (v6 && is_mapped(*v6)) {
    IpAddress v4;
    std::memcpy(v4.bytes.data(), v6->bytes.data() + 12, 4);
    return v4;
  }
  return v6;
}

bool in_network(const IpAddress& ip, const IpAddress& network, unsigned prefix) {
  if (ip.v6 != network.v6 || prefix > ip.bits()) return false;
  unsigned whole = prefix / 8;
  if (std::memcmp(ip.bytes.data(), network.bytes.data(), whole) != 0) return false;
  unsigned rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (ip.bytes[whole] & mask) == (network.bytes[whole] & mask);
}

std::string readable_ip(const IpAddress& ip) {
  if (!ip.v6) {
    std::string out;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) out += '.';
      out += std::to_string(ip.bytes[i]);
    }
    return out;
  }
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = (ip.bytes[2 * i] << 8) | ip.bytes[2 * i + 1];
  // RFC 5952 §4.2: the longest run of two or more zero groups (the first of equals) is "::".
  int best = -1, best_length = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) best = i, best_length = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out;
  char buffer[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buffer, sizeof buffer, "%x", groups[i]);
    out += buffer;
  }
  return out;
}

std::string dotted_ip(const IpAddress& ip) {
  if (!ip.v6) return readable_ip(ip);
  std::string out;
  for (std::uint8_t byte : ip.bytes) {
    if (!out.empty()) out += '.';
    out += hex_digit(byte >> 4, true);
    out += '.';
    out += hex_digit(byte & 0xf, true);
  }
  return out;
}

std::string reverse_lookup_name(const IpAddress& ip) {
  std::string dotted = dotted_ip(ip);
  std::vector<std::string_view> parts;
  std::string_view rest = dotted;
  for (std::size_t dot; (dot = rest.find('.')) != std::string_view::npos; rest.remove_prefix(dot + 1))
    parts.push_back(rest.substr(0, dot));
  parts.push_back(rest);
  std::string out;
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
    out += *part;
    out += '.';
  }
  return out + (ip.v6 ? "ip6.arpa" : "in-addr.arpa");
}

}  // namespace smtpsend::dns::spf
