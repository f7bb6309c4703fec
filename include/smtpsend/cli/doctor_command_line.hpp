// cli/doctor_command_line: `smtpsend doctor [--from ADDR] [--helo NAME] [--public-ip IP]
// [--to DOMAIN...] [--json]` with --dns-server, --mx-port, --ca-file, --ca-path, --dkim and the
// timeouts as the sending command spells them (SPEC.md "doctor"). Its own small parser: the
// doctor sends nothing, so the sending options do not apply. Errors: 64 with one sentence
// (66 for an unreadable --ca-file, as when sending).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "smtpsend/cli/dkim_key_file.hpp"
#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/transport/settings.hpp"

namespace smtpsend::cli {

struct DoctorRequest {
  std::string sender;                    // --from, default $USER@<this host's FQDN>
  std::string sender_domain;             // its domain in A-labels
  std::string helo;                      // --helo, default this host's FQDN
  std::optional<std::string> public_ip;  // --public-ip
  std::vector<std::string> to_domains;   // --to, A-labels, duplicates dropped
  std::vector<DkimKeyFile> dkim;         // --dkim SELECTOR:KEYFILE
  std::vector<std::string> dns_servers;  // --dns-server
  std::uint16_t mx_port = 25;            // --mx-port
  transport::Timeouts timeouts;          // --connect-timeout, --timeout
  std::chrono::seconds dns_timeout{60};  // --dns-timeout
  transport::TlsSettings tls;            // --ca-file, --ca-path
  bool json = false;
};

struct DoctorCommandLine {
  std::optional<DoctorRequest> request;  // set exactly when there is work to do
  ExitCode exit_code = ExitCode::ok;
  std::string output;  // --help
  std::string error;   // one sentence, without "smtpsend: "
};

// `args` are the words after "doctor".
DoctorCommandLine parse_doctor_command_line(std::span<const std::string> args,
                                            const HostIdentity& host);

}  // namespace smtpsend::cli
