#include "smtpsend/delivery/host_tls.hpp"

namespace smtpsend::delivery {

HostTls tls_for_host(const DeliveryOptions& options, bool retry_in_clear) {
  HostTls tls;
  tls.implicit_tls = options.relay && options.relay->implicit_tls;
  // RFC 7435 §3: opportunistic security may fall back to clear text; the FSM asks for the retry
  // only under opportunistic (destination_fsm.cpp), so a mandatory policy is never dropped here.
  tls.policy = retry_in_clear ? smtp::TlsPolicy::none : options.tls.policy;
  return tls;
}

}  // namespace smtpsend::delivery
