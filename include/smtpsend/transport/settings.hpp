// transport/settings: what the user chose for connections (timeouts) and for TLS (SPEC.md "TLS",
// "Timeouts"), as plain values. Kept apart from smtp_connection.hpp and tls_client.hpp so that
// the modules that only carry these settings (cli builds them, delivery passes them on) compile
// no Asio or OpenSSL header. No I/O here.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "smtpsend/smtp/stage.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::transport {

// What the transport arms its deadlines from. Not stored by delivery: made where a connection
// is driven from the one place each is kept (DeliveryOptions::connect_timeout and
// smtp::SessionSettings::timeouts), so --timeout exists once however many readers it has.
struct Timeouts {
  std::chrono::seconds connect{30};  // --connect-timeout, per address
  smtp::StageTimeouts stages;        // --timeout overrides every SMTP stage
};

struct TlsSettings {
  // --tls or the file's `tls`; empty when the user chose none. The route's default (verify for
  // a relay, opportunistic for MX delivery) and a connection's own policy are decided by
  // delivery::tls_for_host() alone, so nothing reads this field as the policy in force.
  std::optional<smtp::TlsPolicy> policy;
  std::string ca_file;    // --ca-file; empty: the system store unless ca_path is given
  std::string ca_path;    // --ca-path
  std::string cert_file;  // --tls-cert (PEM, may hold the chain)
  std::string key_file;   // --tls-key; empty: the key is in cert_file
};

}  // namespace smtpsend::transport
