#include "smtpsend/delivery/host_tls.hpp"

namespace smtpsend::delivery {
namespace {

// SPEC.md "TLS": a relay is a known host the user named, so its certificate is checked unless
// --tls says otherwise; an MX host is found through DNS and keeps opportunistic STARTTLS
// (RFC 7435), as no name to verify against was chosen by the user.
smtp::TlsPolicy default_for(const DeliveryOptions& options) {
  return options.route.relay ? smtp::TlsPolicy::verify : smtp::TlsPolicy::opportunistic;
}

}  // namespace

HostTls tls_for_host(const DeliveryOptions& options, bool retry_in_clear) {
  HostTls tls;
  tls.implicit_tls = options.route.relay && options.route.relay->implicit_tls;
  // RFC 7435 §3: opportunistic security may fall back to clear text; the FSM asks for the retry
  // only under opportunistic (destination_fsm.cpp), so a mandatory policy is never dropped here.
  tls.policy =
      retry_in_clear ? smtp::TlsPolicy::none : options.tls.policy.value_or(default_for(options));
  return tls;
}

}  // namespace smtpsend::delivery
