#include "option_values.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace smtpsend::cli {
namespace {

// Whole-string decimal conversion: "10x", "", "+1" and " 1" are all rejected.
bool to_number(std::string_view text, long long& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc{} && ptr == end;
}

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool is_ipv4(const std::string& text) {
  unsigned char buffer[4];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1;
}

bool is_ipv6(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool is_port(std::string_view text) {
  long long value = 0;
  return to_number(text, value) && value >= 1 && value <= 65535;
}


bool is_address_literal(std::string_view text) {
  if (text.size() < 3 || text.front() != '[' || text.back() != ']') return false;
  std::string inner(text.substr(1, text.size() - 2));
  constexpr std::string_view kIpv6Tag = "IPv6:";
  if (inner.starts_with(kIpv6Tag)) return is_ipv6(inner.substr(kIpv6Tag.size()));
  return is_ipv4(inner);
}

bool parse_count(std::string_view option, std::string_view text, std::size_t most,
                 std::size_t& out, std::string& error) {
  long long value = 0;
  if (!to_number(text, value) || value < 1 || value > static_cast<long long>(most)) {
    error = fmt::format("{} must be a number from 1 to {}, not '{}'", option, most, text);
    return false;
  }
  out = static_cast<std::size_t>(value);
  return true;
}

}  // namespace

bool is_ldh_domain(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t label = 0;
  for (char c : text) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ldh =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ldh || ++label > 63) return false;
  }
  return label != 0;
}

bool parse_port(std::string_view option, std::string_view text, std::uint16_t& out,
                std::string& error) {
  if (!is_port(text)) {
    error = fmt::format("{} must be a port number from 1 to 65535, not '{}'", option, text);
    return false;
  }
  long long value = 0;
  to_number(text, value);
  out = static_cast<std::uint16_t>(value);
  return true;
}

bool parse_seconds(std::string_view option, std::string_view text, std::chrono::seconds& out,
                   std::string& error) {
  long long value = 0;
  if (!to_number(text, value) || value < 1 || value > kMaxTimeoutSeconds) {
    error = fmt::format("{} must be a whole number of seconds from 1 to {}, not '{}'", option,
                        kMaxTimeoutSeconds, text);
    return false;
  }
  out = std::chrono::seconds{value};
  return true;
}

bool parse_parallel(std::string_view option, std::string_view text, std::size_t& out,
                    std::string& error) {
  return parse_count(option, text, kMaxParallel, out, error);
}

bool parse_address_limit(std::string_view option, std::string_view text, std::size_t& out,
                         std::string& error) {
  return parse_count(option, text, kMaxAddressLimit, out, error);
}

bool parse_size(std::string_view option, std::string_view text, std::uint64_t& out,
                std::string& error) {
  static constexpr std::string_view kSuffixes = "kmgt";
  std::string_view digits = text;
  unsigned shift = 0;
  if (!text.empty()) {
    const char last = static_cast<char>(text.back() | 0x20);  // ASCII lower case
    if (const auto at = kSuffixes.find(last); at != std::string_view::npos) {
      shift = 10 * static_cast<unsigned>(at + 1);
      digits.remove_suffix(1);
    }
  }
  std::uint64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  const bool number = !digits.empty() && ec == std::errc{} && ptr == end;
  if (!number || value == 0 || value > (std::numeric_limits<std::uint64_t>::max() >> shift)) {
    error = fmt::format(
        "{} must be a size from 1 byte, such as 1G, 500M, 10k or 1048576 (k, M, G, T are powers "
        "of 1024; at most 2^64 - 1 bytes), not '{}'",
        option, text);
    return false;
  }
  out = value << shift;
  return true;
}

bool check_dns_server(std::string_view option, std::string_view text, std::string& error) {
  bool valid = false;
  const std::string whole(text);
  if (is_ip_address(whole)) {
    valid = true;  // bare IPv4, or bare IPv6 (whose colons are not a port separator)
  } else if (text.starts_with('[')) {
    const auto close = text.find("]:");
    valid = close != std::string_view::npos && is_ipv6(std::string(text.substr(1, close - 1))) &&
            is_port(text.substr(close + 2));
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    valid = is_ipv4(std::string(text.substr(0, colon))) && is_port(text.substr(colon + 1));
  }
  if (!valid) {
    error = fmt::format(
        "{} must be IP or IP:PORT (an IPv6 address with a port in brackets: "
        "[2001:db8::1]:53), not '{}'",
        option, text);
  }
  return valid;
}

bool check_helo_name(std::string_view option, std::string_view text, std::string& error) {
  // A bare IPv6 address is taken too: the session sends it as [IPv6:...] (helo_name.hpp).
  if (is_ldh_domain(text) || is_address_literal(text) || is_ipv6(std::string(text))) return true;
  error = fmt::format(
      "{} must be a host name of letters, digits, '-' and '.', or an address literal such "
      "as [192.0.2.1], not '{}'",
      option, text);
  return false;
}

// RFC 5321 §4.1.2 Domain: sub-domains of letters, digits and inner hyphens, dot-separated;
// bytes from 0x80 pass as parts of UTF-8 U-labels (RFC 6531 §3.3), converted later.
bool is_mail_domain(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = text.find('.', start);
    const std::string_view label = text.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      const auto byte = static_cast<unsigned char>(c);
      const bool ok = byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool check_qualify_domain(std::string_view option, std::string_view text, std::string& error) {
  if (is_mail_domain(text) || is_address_literal(text)) return true;
  error = fmt::format("{} must be a domain name, not '{}'", option, text);
  return false;
}

std::string or_list(std::span<const std::string_view> names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return text;
}

bool parse_duration(std::string_view option, std::string_view text, std::chrono::seconds& out,
                    std::string& error) {
  constexpr long long kMostSeconds = 365LL * 86400;
  long long unit = 1;
  std::string_view digits = text;
  if (!text.empty()) {
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      default:
        unit = 0;
        break;
    }
    if (unit != 0) digits.remove_suffix(1);
    if (unit == 0) unit = 1;
  }
  long long value = 0;
  if (!to_number(digits, value) || value < 1 || value > kMostSeconds / unit) {
    error = fmt::format(
        "{} must be a duration from 1s to 365d such as 300s, 5m, 4h or 5d, not '{}'", option, text);
    return false;
  }
  out = std::chrono::seconds(value * unit);
  return true;
}

}  // namespace smtpsend::cli
