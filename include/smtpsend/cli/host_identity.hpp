// cli/host_identity: who and where we are, for default names (SPEC.md "Envelope", "Routing").
//
// The FQDN is the default --helo and --qualify-domain, and the right-hand side of generated
// Message-IDs; the login name is the local part of the default envelope sender.
#pragma once

#include <string>

namespace smtpsend::cli {

struct HostIdentity {
  std::string fqdn;  // "mail.example.com"
  std::string user;  // "alice"
};

// gethostname(); when that has no dot, its canonical name from getaddrinfo(AI_CANONNAME);
// "localhost.localdomain" when neither yields a dotted name.
std::string this_host_fqdn();

// $USER, else the password entry of the real uid, else "nobody".
std::string login_name();

HostIdentity this_host_identity();

}  // namespace smtpsend::cli
