// dns/spf: which names check_host() may ask about (RFC 7208 §4.3, §7.3). Private to dns/spf.
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::dns::spf {

// toplabel of §7.1: ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label);

// Whether `name` is `domain` or a name below it; both canonical (canonical_name).
bool is_at_or_below(std::string_view name, std::string_view domain);

// Lowercase, without a trailing dot: how names are compared (DNS names are case-insensitive).
std::string canonical_name(std::string_view name);

// §4.3: the <domain> argument is a multi-label name of visible ASCII whose labels are 1 to 63
// octets (at most 253 in all) and whose last label is a toplabel; otherwise check_host() returns
// "none" without asking DNS. A trailing dot is allowed.
bool is_checkable_domain(std::string_view domain);

// §7.3: a macro-expanded target name: a trailing dot dropped, then labels removed from the left
// until it fits in 253 octets. Empty when a DNS query cannot be made of it (an empty label, a
// label over 63 octets, or nothing left), which the caller treats as a name that does not exist.
std::string target_name(std::string_view expanded);

}  // namespace smtpsend::dns::spf
