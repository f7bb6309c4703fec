// doctor/text: small string helpers the checks share, private to src/doctor.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace smtpsend::doctor::text {

// Lower-cased, without a trailing dot: how names are compared (RFC 4343).
std::string normalised_name(std::string_view name);
// "a, b and c".
std::string joined(std::span<const std::string> items, std::string_view last = " and ");
// "a; b; c": separate findings in one evidence sentence.
std::string separated(std::span<const std::string> items);
// "host[ip]", as delivery's report lines name a server.
std::string server(std::string_view host, std::string_view ip);

}  // namespace smtpsend::doctor::text
