// dns/local_names: names whose addresses are known without asking anyone.
//
// RFC 6761 §6.3: "localhost" and every name under ".localhost" are loopback, and name
// resolution APIs should answer them so without a query; a relay of "localhost:25" then reaches
// the local MTA whatever /etc/hosts and DNS say. Pure: no I/O.
#pragma once

#include <optional>
#include <string_view>

#include "smtpsend/dns/answer.hpp"

namespace smtpsend::dns {

// True for "localhost" and "*.localhost", in any letter case, with or without a final dot.
bool is_localhost_name(std::string_view host) noexcept;

// For a localhost name: ok with 127.0.0.1 (ipv4), ::1 (ipv6), or both, IPv4 first (any).
// nullopt for every other name.
std::optional<AddressAnswer> loopback_answer(std::string_view host, AddressFamily family);

}  // namespace smtpsend::dns
