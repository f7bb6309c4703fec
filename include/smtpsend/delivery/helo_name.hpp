// delivery/helo_name: the name one session gives in EHLO/HELO (RFC 5321 §4.1.1.1).
//
// A configured name is used as it is, except that a bare IP address is sent in the address
// literal form RFC 5321 §4.1.3 requires ("127.0.0.1" as "[127.0.0.1]", "::1" as
// "[IPv6:::1]"; servers such as Postfix answer a bare address with 504). No configured name
// (this host has no dotted name, cli/host_identity.hpp) means the address literal of the
// connection's local end (RFC 5321 §4.1.4), which a receiving filter can check, instead of an
// invented name every filter distrusts. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::delivery {

// "[192.0.2.1]" / "[IPv6:2001:db8::1]" for an IP address in text ("::ffff:192.0.2.1" is the
// IPv4 address it maps); "" when `ip` is not an address.
std::string address_literal(std::string_view ip);

// `configured` ("" = none), with the local address of the connected socket as text.
std::string helo_name_for(std::string_view configured, std::string_view local_address);

}  // namespace smtpsend::delivery
