// tls_for_host: the one place a connection's TLS is decided (SPEC.md "TLS"); one row per rule.
#include "smtpsend/delivery/host_tls.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace smtpsend::delivery {

std::ostream& operator<<(std::ostream& os, const HostTls& tls) {
  return os << smtp::to_string(tls.policy) << (tls.implicit_tls ? " implicit" : "");
}

namespace {

using smtp::TlsPolicy;

DeliveryOptions with_policy(TlsPolicy policy) {
  DeliveryOptions options;
  options.tls.policy = policy;
  return options;
}

DeliveryOptions relay(TlsPolicy policy, bool implicit_tls) {
  DeliveryOptions options = with_policy(policy);
  options.route.relay = RelayRoute{"smtp.example.net", 465, implicit_tls, false};
  return options;
}

DeliveryOptions relay_without_choice(bool implicit_tls) {
  DeliveryOptions options;
  options.route.relay = RelayRoute{"smtp.example.net", 465, implicit_tls, false};
  return options;
}

TEST(TlsForHost, MxDeliveryDefaultsToOpportunisticStartTls) {
  EXPECT_EQ(tls_for_host(DeliveryOptions{}), (HostTls{TlsPolicy::opportunistic, false}));
}

// SPEC.md "TLS": the route's default when neither --tls nor the file's `tls` chose a policy.
TEST(TlsForHost, RelayWithoutAChosenPolicyIsVerified) {
  EXPECT_EQ(tls_for_host(relay_without_choice(false)), (HostTls{TlsPolicy::verify, false}));
  EXPECT_EQ(tls_for_host(relay_without_choice(true)), (HostTls{TlsPolicy::verify, true}));
}

// --tls opportunistic (or the file's tls = "opportunistic") overrides the relay's default.
TEST(TlsForHost, RelayWithAChosenPolicyKeepsIt) {
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::opportunistic, false)),
            (HostTls{TlsPolicy::opportunistic, false}));
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::none, false)), (HostTls{TlsPolicy::none, false}));
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::required, false)), (HostTls{TlsPolicy::required, false}));
}

TEST(TlsForHost, RetryInClearOfARelayWithoutAChosenPolicy) {
  EXPECT_EQ(tls_for_host(relay_without_choice(false), true), (HostTls{TlsPolicy::none, false}));
}

TEST(TlsForHost, TheChosenPolicyAppliesToEveryHost) {
  for (TlsPolicy policy :
       {TlsPolicy::none, TlsPolicy::opportunistic, TlsPolicy::required, TlsPolicy::verify}) {
    EXPECT_EQ(tls_for_host(with_policy(policy)), (HostTls{policy, false}));
  }
}

TEST(TlsForHost, RetryAfterAFailedOpportunisticHandshakeIsInClear) {
  EXPECT_EQ(tls_for_host(with_policy(TlsPolicy::opportunistic), true),
            (HostTls{TlsPolicy::none, false}));
}

TEST(TlsForHost, RelayWithImplicitTlsStartsTlsBeforeTheGreeting) {
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::verify, true)), (HostTls{TlsPolicy::verify, true}));
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::required, true)), (HostTls{TlsPolicy::required, true}));
}

TEST(TlsForHost, RelayOnTheSubmissionPortUsesStartTls) {
  EXPECT_EQ(tls_for_host(relay(TlsPolicy::verify, false)), (HostTls{TlsPolicy::verify, false}));
}

}  // namespace
}  // namespace smtpsend::delivery
