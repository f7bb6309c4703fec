// dns/hosts_file: the hosts file, looked at before DNS as the system's resolver does (SPEC.md
// "Routing"; nsswitch.conf's usual "hosts: files dns"). Private to dns/.
//
// c-ares reads it (ares_getaddrinfo on a channel whose only lookup source is "f"), so its
// parsing matches what c-ares-based tools see; with ARES_AI_ENVHOSTS, Debian's c-ares 1.18
// reads the file named by $CARES_HOSTS instead of /etc/hosts, which the tests use to own the
// file. A channel that looks only at a file answers inside the call: nothing waits, no socket.
#pragma once

#include <string>
#include <vector>

#include "smtpsend/dns/answer.hpp"

namespace smtpsend::dns {

// The addresses the hosts file gives `host` in `family` (IPv4 first for any); empty when the
// file does not name it, has no address of that family, or cannot be read.
std::vector<std::string> hosts_file_addresses(const std::string& host, AddressFamily family);

}  // namespace smtpsend::dns
