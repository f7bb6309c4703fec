// doctor/doctor: `smtpsend doctor`'s runner (SPEC.md "doctor"): gathers the facts (DNS answers
// through the c-ares Resolver, one probe per MX host of the --to domains) and runs every check
// that can run, in SPEC.md's order. A thin shell: every verdict is checks.hpp's. Blocks until
// done; never sends mail (connect, EHLO, STARTTLS, QUIT). Never throws for DNS or network
// outcomes; those are verdicts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/core/transcript.hpp"
#include "smtpsend/doctor/check.hpp"
#include "smtpsend/transport/settings.hpp"

namespace smtpsend::doctor {

// One --dkim key, its public half already taken from the private key file.
struct DkimKey {
  std::string selector;
  std::string public_key;  // the p= value: base64 (RSA: SubjectPublicKeyInfo; Ed25519: raw)
  std::string key_type;    // "rsa" or "ed25519" (k=)
};

struct DoctorOptions {
  std::string from_domain;                // the sender's domain (--from's, A-label form)
  std::string sender;                     // the --from address, for SPF's %{s}
  std::string helo;                       // the EHLO name
  std::optional<std::string> public_ip;   // --public-ip
  std::vector<std::string> to_domains;    // --to (A-label form)
  std::vector<DkimKey> dkim;              // --dkim
  std::vector<std::string> dns_servers;   // --dns-server
  std::uint16_t mx_port = 25;             // --mx-port
  transport::Timeouts timeouts;           // --connect-timeout; each reply waited for --timeout
  std::chrono::seconds dns_timeout{60};   // each lookup (--dns-timeout)
  transport::TlsSettings tls;             // --ca-file, --ca-path
  TranscriptSink* transcript = nullptr;   // -v/-vv
};

struct DoctorReport {
  std::vector<Check> checks;
  std::error_code fatal;     // the resolver could not be set up (Errc::dns_error, exit 71)
  std::string fatal_detail;  // then its one sentence
};

DoctorReport run_doctor(const DoctorOptions& options);

}  // namespace smtpsend::doctor
