// delivery/host_tls: the TLS of one connection to one host, decided here and nowhere else
// (SPEC.md "TLS"). The session (which steps STARTTLS takes), the transport (whether the peer is
// verified) and --dry-run's plan all read the answer of tls_for_host(); none of them derives a
// policy of its own. A per-host policy learnt later (DANE, RFC 7672; MTA-STS, RFC 8461) is one
// more input of this function and one more rule in it. Pure: no I/O.
#pragma once

#include "smtpsend/delivery/options.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::delivery {

struct HostTls {
  smtp::TlsPolicy policy = smtp::TlsPolicy::none;
  // RFC 8314: TLS from the first byte (a relay's smtps://); STARTTLS is then never sent.
  bool implicit_tls = false;
  friend bool operator==(const HostTls&, const HostTls&) = default;
};

// `options.tls.policy` is what the user chose (--tls or the file's `tls`); without a choice the
// route decides: verify for a relay (implicit TLS included), opportunistic for MX delivery.
// `retry_in_clear`: the DestinationFsm's second attempt at the same address after an
// opportunistic STARTTLS handshake failed (RunSession::without_tls); it never tries STARTTLS.
HostTls tls_for_host(const DeliveryOptions& options, bool retry_in_clear = false);

}  // namespace smtpsend::delivery
