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
  // False when `fqdn` is the "localhost.localdomain" stand-in: no dotted name was found. EHLO
  // then uses the connection's address literal instead (RFC 5321 §4.1.4).
  bool qualified = true;
};

// gethostname(); when that has no dot, its canonical name from getaddrinfo(AI_CANONNAME);
// "localhost.localdomain" when neither yields a dotted name.
std::string this_host_fqdn();

// $USER, else the password entry of the real uid, else "nobody".
std::string login_name();

HostIdentity this_host_identity();

struct Request;
// The right-hand side of generated Message-IDs: a --qualify-domain or a --helo name the user
// chose (command line or configuration file), else this host's FQDN.
std::string message_id_domain(const Request& request, const HostIdentity& host);

}  // namespace smtpsend::cli
