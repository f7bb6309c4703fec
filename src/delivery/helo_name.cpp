#include "smtpsend/delivery/helo_name.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace smtpsend::delivery {

std::string address_literal(std::string_view ip) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return "[" + text + "]";
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return {};
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    char dotted[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &v4, dotted, sizeof dotted);
    return "[" + std::string(dotted) + "]";
  }
  return "[IPv6:" + text + "]";  // RFC 5321 §4.1.3 IPv6-address-literal
}

std::string helo_name_for(std::string_view configured, std::string_view local_address) {
  if (configured.empty()) {
    std::string literal = address_literal(local_address);
    // No local address known (cannot happen on a connected socket): a literal of nothing would
    // be a syntax error, and "[127.0.0.1]" at least says this host gave no name.
    return literal.empty() ? "[127.0.0.1]" : literal;
  }
  if (std::string literal = address_literal(configured); !literal.empty()) return literal;
  return std::string(configured);
}

}  // namespace smtpsend::delivery
