#include "smtpsend/cli/relay_target.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>

#include "option_values.hpp"

namespace smtpsend::cli {
namespace {

bool is_ipv4(const std::string& text) {
  in_addr address{};
  return inet_pton(AF_INET, text.c_str(), &address) == 1;
}

bool is_ipv6(const std::string& text) {
  in6_addr address{};
  return inet_pton(AF_INET6, text.c_str(), &address) == 1;
}

// RFC 1123 §2.1 host names: letters, digits, hyphens and dots; UTF-8 is allowed here and
// converted to A-labels later (IDNA2008), so only the ASCII bytes are checked.
bool plausible_host_name(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.front() == '-') return false;
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    const bool ok = u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// Splits "HOST[:PORT]" or "[V6]:PORT"; a bare IPv6 address ("::1") is a host without a port.
bool split_host_port(std::string_view text, std::string& host, std::string_view& port,
                     bool& bracketed, std::string& error) {
  bracketed = text.starts_with('[');
  if (bracketed) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      error = fmt::format("'{}' has '[' without ']'", text);
      return false;
    }
    host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      error = fmt::format("unexpected '{}' after ']'", rest);
      return false;
    }
    port = rest.empty() ? std::string_view{} : rest.substr(1);
    return true;
  }
  if (std::count(text.begin(), text.end(), ':') > 1) {
    host = std::string(text);  // an IPv6 address written without brackets: no port
    port = {};
    return true;
  }
  const std::size_t colon = text.find(':');
  host = std::string(text.substr(0, colon));
  port = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  return true;
}

}  // namespace

bool parse_relay_target(std::string_view text, delivery::RelayRoute& route, std::string& error) {
  delivery::RelayRoute parsed;
  parsed.port = 0;  // not given: the default depends on implicit TLS, known later (--smtps)
  if (text.starts_with("smtps://")) {
    parsed.implicit_tls = true;
    text.remove_prefix(8);
  } else if (text.starts_with("smtp://")) {
    text.remove_prefix(7);
  } else if (text.find("://") != std::string_view::npos) {
    error = fmt::format("'{}': the scheme must be smtp:// or smtps://", text);
    return false;
  }
  if (text.ends_with('/')) text.remove_suffix(1);  // "smtps://host/" as URLs are often written
  // RFC 3986 §3.2.1 userinfo ("user:password@"): refused without echoing the value, which would
  // put the password on a terminal, in a cron mail or in a log.
  if (text.find('@') != std::string_view::npos) {
    error =
        "a user name or password does not belong in the relay (not shown): give the user with "
        "-u and the password with --password-file, --password-cmd or SMTPSEND_PASSWORD";
    return false;
  }
  if (text.find_first_of("/@?#") != std::string_view::npos) {
    error = fmt::format("'{}' is not HOST[:PORT] (no path or query belongs here)", text);
    return false;
  }
  std::string host;
  std::string_view port;
  bool bracketed = false;
  if (!split_host_port(text, host, port, bracketed, error)) return false;
  if (host.empty()) {
    error = "the relay host is empty";
    return false;
  }
  // The option's own port parse; the sentence names the value only, as the caller prefixes it.
  std::string unused;
  if (!port.empty() && !parse_port("port", port, parsed.port, unused)) {
    error = fmt::format("'{}' is not a port number (1-65535)", port);
    return false;
  }
  if (text.ends_with(':')) {
    error = "the port after ':' is empty";
    return false;
  }
  parsed.address_literal = is_ipv4(host) || is_ipv6(host);
  if (bracketed && !is_ipv6(host)) {
    error = fmt::format("'[{}]' is not an IPv6 address", host);
    return false;
  }
  if (!parsed.address_literal && !plausible_host_name(host)) {
    error = fmt::format("'{}' is not a host name or IP address", host);
    return false;
  }
  parsed.host = std::move(host);
  route = std::move(parsed);
  return true;
}

}  // namespace smtpsend::cli
