#include "smtpsend/dns/local_names.hpp"

#include <algorithm>
#include <cctype>

namespace smtpsend::dns {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

bool is_localhost_name(std::string_view host) noexcept {
  if (host.ends_with('.')) host.remove_suffix(1);
  constexpr std::string_view kLocalhost = "localhost";
  if (host.size() < kLocalhost.size()) return false;
  const std::string_view tail = host.substr(host.size() - kLocalhost.size());
  if (!equals_ignoring_case(tail, kLocalhost)) return false;
  if (host.size() == kLocalhost.size()) return true;
  // "mail.localhost", not "notlocalhost"; and ".localhost" alone is no name.
  return host.size() > kLocalhost.size() + 1 && host[host.size() - kLocalhost.size() - 1] == '.';
}

std::optional<AddressAnswer> loopback_answer(std::string_view host, AddressFamily family) {
  if (!is_localhost_name(host)) return std::nullopt;
  AddressAnswer answer;
  answer.status = LookupStatus::ok;
  if (family != AddressFamily::ipv6) answer.addresses.emplace_back("127.0.0.1");
  if (family != AddressFamily::ipv4) answer.addresses.emplace_back("::1");
  return answer;
}

}  // namespace smtpsend::dns
