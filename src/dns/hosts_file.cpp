#include "hosts_file.hpp"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

namespace smtpsend::dns {
namespace {

std::string address_text(const ares_addrinfo_node& node) {
  char text[INET6_ADDRSTRLEN] = {};
  if (node.ai_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(node.ai_addr);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  } else if (node.ai_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(node.ai_addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  }
  return text;
}

void collect(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) noexcept {
  auto& out = *static_cast<std::vector<std::string>*>(arg);
  if (status == ARES_SUCCESS && result != nullptr) {
    try {
      for (const ares_addrinfo_node* node = result->nodes; node != nullptr; node = node->ai_next) {
        const std::string text = address_text(*node);
        if (!text.empty() && std::find(out.begin(), out.end(), text) == out.end()) {
          out.push_back(text);
        }
      }
    } catch (...) {
      out.clear();  // out of memory: as if the file had no entry, DNS is asked next
    }
  }
  if (result != nullptr) ares_freeaddrinfo(result);
}

int family_code(AddressFamily family) {
  switch (family) {
    case AddressFamily::ipv4:
      return AF_INET;
    case AddressFamily::ipv6:
      return AF_INET6;
    case AddressFamily::any:
      break;
  }
  return AF_UNSPEC;
}

}  // namespace

std::vector<std::string> hosts_file_addresses(const std::string& host, AddressFamily family) {
  std::vector<std::string> addresses;
  ares_options options{};
  char files_only[] = "f";
  options.lookups = files_only;
  ares_channel raw = nullptr;
  if (ares_init_options(&raw, &options, ARES_OPT_LOOKUPS) != ARES_SUCCESS) return addresses;
  const std::unique_ptr<std::remove_pointer_t<ares_channel>, decltype(&ares_destroy)> channel(
      raw, &ares_destroy);
  ares_addrinfo_hints hints{};
  hints.ai_family = family_code(family);
  hints.ai_flags = ARES_AI_ENVHOSTS;
  // With "f" as the only source the callback has run when this returns (no query is sent).
  ares_getaddrinfo(channel.get(), host.c_str(), nullptr, &hints, &collect, &addresses);
  // Family any: IPv4 first, as the DNS path orders them (resolver.hpp).
  std::stable_partition(addresses.begin(), addresses.end(), [](const std::string& text) {
    return text.find(':') == std::string::npos;
  });
  return addresses;
}

}  // namespace smtpsend::dns
