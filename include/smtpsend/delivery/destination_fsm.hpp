// delivery/destination_fsm: the per-destination failover machine (sans-io; RFC 5321 §5,
// RFC 7505). This is the one file holding failover policy (DESIGN.md rule 7).
//
// In: DNS answers, connect results, session outcomes. Out: ResolveMx, ResolveAddrs, Connect,
// RunSession, Finish. Policy: MX hosts in plan order, each host's addresses in turn; a refused
// or timed-out connection, a 4xx greeting, a 4xx to EHLO/MAIL or a protocol violation -> next
// address; a 5xx greeting or 5xx to MAIL -> the destination fails; a reply to RCPT is that
// recipient's result; NXDOMAIN, null MX, and neither MX nor address records -> permanent
// failure (68) without a connection; SERVFAIL/timeout -> deferred. When every address is used
// up, unsettled recipients are deferred with one sentence that counts what was tried
// ("connection refused by all 2 addresses of 2 MX hosts of example.com"). At most
// `max_addresses` addresses are tried, counted over all MX hosts in order (Postfix's
// smtp_mx_address_limit); stopping there with addresses left says so ("...; gave up after 5 of
// 100 addresses of 10 MX hosts of example.com"). An opportunistic
// STARTTLS whose handshake failed -> the same address once more, without TLS. A relay is a
// destination with one host and no MX lookup; a relay host without address records fails
// (68), a failed lookup defers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/options.hpp"
#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/dns/answer.hpp"
#include "smtpsend/dns/mx_plan.hpp"
#include "smtpsend/smtp/session.hpp"

namespace smtpsend::delivery {

struct ResolveMx {
  std::string domain;  // A-label form
  friend bool operator==(const ResolveMx&, const ResolveMx&) = default;
};
struct ResolveAddrs {
  std::string host;
  friend bool operator==(const ResolveAddrs&, const ResolveAddrs&) = default;
};
struct Connect {
  std::string host;
  std::string ip;
  std::uint16_t port = 25;
  friend bool operator==(const Connect&, const Connect&) = default;
};
struct RunSession {
  smtp::Peer peer;
  std::vector<smtp::Transaction> transactions;  // only recipients not yet settled
  // The same address again after an opportunistic TLS handshake failed: this session must not
  // try STARTTLS.
  bool without_tls = false;
  // Spelled out: smtp::Peer and smtp::Transaction declare no operator==.
  friend bool operator==(const RunSession&, const RunSession&);
};
struct Finish {
  std::vector<RecipientResult> results;  // exactly one per recipient of the destination
  friend bool operator==(const Finish&, const Finish&) = default;
};
using DestinationAction = std::variant<ResolveMx, ResolveAddrs, Connect, RunSession, Finish>;
std::ostream& operator<<(std::ostream& os, const DestinationAction& action);

// The route is DeliveryOptions::route as it is (options.hpp), so a route setting has one place
// and reaches the FSM without a copy made field by field; the rest is the FSM's own.
struct FsmOptions {
  Route route;                // --mx-port, -4/-6, --relay, --max-addresses
  dns::RandomIndex random;    // equal-preference shuffle
  bool resolve_only = false;  // --dry-run: Finish after planning, no Connect
};

class DestinationFsm {
 public:
  DestinationFsm(Destination destination, FsmOptions options);

  DestinationAction next_action();

  void on_mx(const dns::MxAnswer& answer);
  void on_addresses(const dns::AddressAnswer& answer);
  void on_connected();
  void on_connect_failed(std::error_code error, std::string detail);
  void on_session(const smtp::SessionOutcome& outcome);

  // The plan as resolved so far (for --dry-run).
  const dns::MxPlan& plan() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace smtpsend::delivery
