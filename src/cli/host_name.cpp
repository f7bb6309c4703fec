#include <netdb.h>
#include <unistd.h>

#include <climits>
#include <memory>

#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/host_identity.hpp"

namespace smtpsend::cli {
namespace {

constexpr const char* kFallbackFqdn = "localhost.localdomain";

std::string short_host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

// The resolver's canonical name for `host` (from /etc/hosts or DNS), as sendmail and Postfix
// derive $myhostname when the kernel's name is unqualified.
std::string canonical_name(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = AI_CANONNAME;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return {};
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, &freeaddrinfo);
  return found->ai_canonname != nullptr ? found->ai_canonname : "";
}

bool has_dot(const std::string& name) {
  return name.find('.') != std::string::npos && name.front() != '.' && name.back() != '.';
}

}  // namespace

std::string this_host_fqdn() {
  const std::string name = short_host_name();
  if (name.empty()) return kFallbackFqdn;
  if (has_dot(name)) return name;
  const std::string canonical = canonical_name(name);
  return has_dot(canonical) ? canonical : kFallbackFqdn;
}

HostIdentity this_host_identity() {
  const std::string fqdn = this_host_fqdn();
  return {fqdn, login_name(), fqdn != kFallbackFqdn};
}

// A chosen name differs from the guessed FQDN; one equal to it gives the same answer anyway.
std::string message_id_domain(const Request& request, const HostIdentity& host) {
  if (request.qualify_domain != host.fqdn && is_ldh_domain(request.qualify_domain)) {
    return request.qualify_domain;
  }
  const std::string& helo = request.delivery.helo_name;
  if (helo != host.fqdn && has_dot(helo) && is_ldh_domain(helo)) return helo;
  return host.fqdn;
}

}  // namespace smtpsend::cli
