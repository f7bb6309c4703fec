// doctor/org_domain: the organisational domain of RFC 7489 §3.2 (the registrable domain under
// the public suffix list), from libpsl with Debian's list (package publicsuffix).
#pragma once

#include <string>

namespace smtpsend::doctor {

// "mail.example.co.uk" -> "example.co.uk"; a domain that is itself a public suffix, or that
// libpsl cannot read, is its own organisational domain.
std::string organisational_domain(const std::string& domain);

}  // namespace smtpsend::doctor
