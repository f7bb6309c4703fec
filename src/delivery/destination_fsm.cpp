// The failover policy of one destination (DESIGN.md rule 7, as Postfix keeps it in
// smtp_trouble.c): what decides "try the next address", "this recipient is settled" is here; the
// verdicts a destination that delivered nothing gives, and their sentences, are
// destination_failures.cpp; what a reply means on one connection is smtp/failure_policy.cpp. The
// runner only performs actions.
#include "smtpsend/delivery/destination_fsm.hpp"

#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "destination_failures.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::delivery {
namespace {

using detail::ConnectFailure;
using detail::SkippedHost;
using detail::SkipReason;
using detail::Verdict;

enum class Phase { resolve_mx, resolve_addrs, connect, run_session, finished };

// One recipient of the destination, tracked across every host tried.
struct Slot {
  std::size_t transaction = 0;
  std::string address;
  std::size_t index = 0;  // position in its transaction's recipients (and wire_recipients)
  std::optional<RecipientResult> settled;       // final: never sent again
  std::optional<RecipientResult> last_attempt;  // the latest non-final outcome
};

bool is_ipv6(std::string_view address) {
  return address.find(':') != std::string_view::npos;
}

bool wanted(std::string_view address, dns::AddressFamily family) {
  switch (family) {
    case dns::AddressFamily::ipv4:
      return !is_ipv6(address);
    case dns::AddressFamily::ipv6:
      return is_ipv6(address);
    case dns::AddressFamily::any:
      return true;
  }
  return true;
}

}  // namespace

struct DestinationFsm::State {
  Destination destination;
  FsmOptions options;
  std::string ascii_domain;
  dns::MxPlan plan;
  Phase phase = Phase::resolve_mx;
  std::vector<Slot> slots;
  std::vector<RecipientResult> finish_results;

  std::size_t host = 0;     // index into plan.hosts
  std::size_t address = 0;  // index into plan.hosts[host].addresses
  std::vector<SkippedHost> skipped;
  std::set<std::size_t> hosts_tried;
  std::vector<ConnectFailure> connect_failures;
  std::string last_connect_detail;
  std::size_t sessions_run = 0;
  bool retry_in_clear = false;  // the next Connect/RunSession repeats this address without TLS
  std::size_t addresses_tried = 0;  // counted against options.route.max_addresses
  bool gave_up = false;             // stopped by max_addresses with addresses left untried

  State(Destination d, FsmOptions o) : destination(std::move(d)), options(std::move(o)) {
    for (std::size_t t = 0; t < destination.transactions.size(); ++t) {
      const std::vector<std::string>& recipients = destination.transactions[t].recipients;
      for (std::size_t r = 0; r < recipients.size(); ++r) {
        slots.push_back(Slot{t, recipients[r], r, std::nullopt, std::nullopt});
      }
    }
    if (!options.random) options.random = [](std::size_t) -> std::size_t { return 0; };
  }

  // For sentences: a destination that domains sharing its MX hosts were merged into names them
  // all (shared_mx.hpp).
  const std::string& domain() const {
    return destination.label.empty() ? destination.domain : destination.label;
  }

  // ---- planning ----

  void start() {
    if (options.route.relay) return start_relay(*options.route.relay);
    if (destination.domain.starts_with('[')) {
      if (!dns::plan_from_literal(destination.domain, plan)) {
        finish_all(detail::invalid_literal(destination.domain));
        return;
      }
      filter_known_addresses();
      advance();
      return;
    }
    if (!dns::to_ascii_domain(destination.domain, ascii_domain)) {
      finish_all(detail::invalid_domain(destination.domain));
      return;
    }
    plan.domain = ascii_domain;
    phase = Phase::resolve_mx;
  }

  // SPEC.md "Routing": the relay is the only host; it is not looked up as a mail domain.
  void start_relay(const RelayRoute& relay) {
    dns::PlannedHost host{relay.host, 0, {}, false};
    if (relay.address_literal) {
      plan.kind = dns::PlanKind::literal;
      host.addresses = {relay.host};
      host.addresses_known = true;
    } else {
      plan.kind = dns::PlanKind::implicit;
      if (!dns::to_ascii_domain(relay.host, host.name)) {
        finish_all(detail::invalid_relay_host(relay.host));
        return;
      }
    }
    plan.domain = host.name;
    plan.hosts = {std::move(host)};
    filter_known_addresses();
    advance();
  }

  bool relaying() const { return options.route.relay.has_value(); }

  void take_mx(const dns::MxAnswer& answer) {
    plan = dns::plan_from_mx(ascii_domain, answer, options.random);
    if (std::optional<Verdict> verdict = detail::plan_verdict(plan, domain())) {
      finish_all(*verdict);
      return;
    }
    filter_known_addresses();
    advance();
  }

  // Addresses that came with the plan (a literal, the MX answer's additional section) obey
  // -4 / -6 like looked-up ones.
  void filter_known_addresses() {
    for (dns::PlannedHost& host : plan.hosts) {
      if (!host.addresses_known || host.addresses.empty()) continue;
      keep_wanted(host.addresses);
      if (host.addresses.empty()) {
        skipped.push_back(
            SkippedHost{host.name, SkipReason::wrong_family, dns::LookupStatus::ok, {}});
      }
    }
  }

  void keep_wanted(std::vector<std::string>& addresses) const {
    std::erase_if(addresses,
                  [&](const std::string& a) { return !wanted(a, options.route.family); });
  }

  void take_addresses(const dns::AddressAnswer& answer) {
    dns::PlannedHost& host = plan.hosts[this->host];
    host.addresses_known = true;
    host.addresses =
        answer.status == dns::LookupStatus::ok ? answer.addresses : std::vector<std::string>{};
    keep_wanted(host.addresses);
    if (host.addresses.empty()) skip_host(host.name, answer);
    advance();
  }

  void skip_host(const std::string& name, const dns::AddressAnswer& answer) {
    skipped.push_back(
        SkippedHost{name, detail::skip_reason(answer.status), answer.status, answer.failure});
  }

  // Moves to the next thing to do: resolve a host, connect to an address, or finish.
  // RFC 5321 §5.1: hosts in plan order, and every address of a host before the next host; at
  // most options.route.max_addresses addresses over all of them (Postfix's smtp_mx_address_limit),
  // so that a domain publishing many dead addresses costs a bounded time.
  void advance() {
    if (unsettled() == 0 && !options.resolve_only) return finish_settled();
    for (; host < plan.hosts.size(); ++host, address = 0) {
      const dns::PlannedHost& candidate = plan.hosts[host];
      if (!candidate.addresses_known) {
        if (address_limit_reached()) return give_up();
        phase = Phase::resolve_addrs;
        return;
      }
      if (options.resolve_only) continue;
      if (address < candidate.addresses.size()) {
        if (address_limit_reached()) return give_up();
        phase = Phase::connect;
        return;
      }
    }
    if (options.resolve_only) return finish_resolution();
    finish_exhausted();
  }

  // --dry-run shows the whole plan: the limit is about connecting.
  bool address_limit_reached() const {
    return !options.resolve_only && addresses_tried >= options.route.max_addresses;
  }

  void give_up() {
    gave_up = true;
    finish_exhausted();
  }

  void take_connected() {
    // The same address again in clear (opportunistic TLS) is not another address.
    if (!retry_in_clear) ++addresses_tried;
    phase = Phase::run_session;
  }

  // ---- connection attempts ----

  void take_connect_failure(std::error_code error, std::string sentence) {
    hosts_tried.insert(host);
    connect_failures.push_back(detail::connect_failure(error));
    last_connect_detail = std::move(sentence);
    if (!retry_in_clear) ++addresses_tried;
    retry_in_clear = false;
    ++address;
    advance();
  }

  void take_session(const smtp::SessionOutcome& outcome) {
    hosts_tried.insert(host);
    ++sessions_run;
    const bool channel_closed_after_progress = closed_after_delivering(outcome);
    for (const smtp::RecipientOutcome& r : outcome.recipients) {
      Slot* slot = find_unsettled(r.result.message_index, r.result.address);
      if (slot == nullptr) continue;  // not ours, or already settled: ignore, never overwrite
      // A 2xx after end of data is final whatever the session says (RFC 5321 §4.1.1.4), and so
      // is a message that may have been delivered: another host would duplicate it (RFC 1047).
      if (r.final || r.result.status == RecipientStatus::delivered || r.result.may_duplicate) {
        slot->settled = r.result;
      } else {
        slot->last_attempt = r.result;
      }
    }
    // Postfix's "may" level: a failed handshake says nothing about the host's SMTP, and
    // opportunistic TLS must never make mail less deliverable than no TLS (RFC 7435), so
    // the same address is tried once more in clear before moving on.
    if (!outcome.tls_failure.empty() && !retry_in_clear && unsettled() > 0) {
      retry_in_clear = true;
      phase = Phase::connect;
      return;
    }
    retry_in_clear = false;
    // A per-connection message limit (421 after some messages, RFC 5321 §3.8): the rest go to
    // a new connection to the same address first. Each such connection delivered something and
    // counts against --max-addresses, so this ends.
    if (channel_closed_after_progress && unsettled() > 0 && !address_limit_reached()) {
      phase = Phase::connect;
      return;
    }
    ++address;
    advance();
  }

  static bool closed_after_delivering(const smtp::SessionOutcome& outcome) {
    bool delivered = false;
    bool closed = false;
    for (const smtp::RecipientOutcome& r : outcome.recipients) {
      delivered = delivered || r.result.status == RecipientStatus::delivered;
      closed = closed || (!r.final && r.result.diag.reply && r.result.diag.reply->code == 421);
    }
    return delivered && closed;
  }

  Slot* find_unsettled(std::size_t message_index, const std::string& address) {
    for (Slot& slot : slots) {
      if (slot.settled || slot.address != address) continue;
      if (destination.transactions[slot.transaction].message_index == message_index) return &slot;
    }
    return nullptr;
  }

  std::size_t unsettled() const {
    std::size_t n = 0;
    for (const Slot& slot : slots) n += slot.settled ? 0 : 1;
    return n;
  }

  // ---- finishing ----

  RecipientResult result_for(const Slot& slot, const Verdict& verdict) const {
    RecipientResult result;
    result.message_index = destination.transactions[slot.transaction].message_index;
    result.address = slot.address;
    result.status = verdict.status;
    result.cause = verdict.cause;
    result.diag.error = make_error_code(verdict.error);
    result.diag.detail = verdict.detail;
    return result;
  }

  void finish_all(const Verdict& verdict) {
    for (Slot& slot : slots) {
      if (!slot.settled) slot.settled = result_for(slot, verdict);
    }
    finish_settled();
  }

  void finish_settled() {
    finish_results.clear();
    for (const Slot& slot : slots) {
      if (slot.settled) finish_results.push_back(*slot.settled);
    }
    phase = Phase::finished;
  }

  // Every address is used up: each unsettled recipient keeps what its last session said;
  // one that never met a server gets a sentence counting what was tried.
  void finish_exhausted() {
    const std::optional<Verdict> no_session = connections_verdict();
    for (Slot& slot : slots) {
      if (slot.settled) continue;
      if (slot.last_attempt) {
        slot.settled = *slot.last_attempt;
      } else {
        slot.settled = result_for(slot, no_session.value_or(detail::no_result(domain())));
      }
    }
    finish_settled();
  }

  // --dry-run: only a destination that cannot be reached at all gets results.
  void finish_resolution() {
    if (detail::usable_addresses(plan) == 0) {
      finish_all(detail::no_address_verdict(attempts()));
    } else {
      phase = Phase::finished;
    }
  }

  std::optional<Verdict> connections_verdict() const {
    if (connect_failures.empty() && sessions_run == 0) {
      return detail::no_address_verdict(attempts());
    }
    if (connect_failures.empty()) return std::nullopt;
    return detail::connections_verdict(attempts());
  }

  // What the verdicts of destination_failures.cpp name.
  detail::Attempts attempts() const {
    return detail::Attempts{.domain = domain(),
                            .relaying = relaying(),
                            .family = options.route.family,
                            .plan = plan,
                            .skipped = skipped,
                            .connect_failures = connect_failures,
                            .last_connect_detail = last_connect_detail,
                            .hosts_tried = hosts_tried.size(),
                            .addresses_tried = addresses_tried,
                            .gave_up = gave_up};
  }

  // ---- actions ----

  DestinationAction action() const {
    switch (phase) {
      case Phase::resolve_mx:
        return ResolveMx{ascii_domain};
      case Phase::resolve_addrs:
        return ResolveAddrs{plan.hosts[host].name};
      case Phase::connect: {
        const dns::PlannedHost& h = plan.hosts[host];
        return Connect{h.name, h.addresses[address], destination_port(options.route)};
      }
      case Phase::run_session:
        return run_session();
      case Phase::finished:
        break;
    }
    return Finish{finish_results};
  }

  RunSession run_session() const {
    const dns::PlannedHost& h = plan.hosts[host];
    RunSession run{smtp::Peer{h.name, h.addresses[address]}, {}, retry_in_clear};
    std::optional<std::size_t> current;
    for (const Slot& slot : slots) {
      if (slot.settled) continue;
      if (current != slot.transaction) {
        smtp::Transaction transaction = destination.transactions[slot.transaction];
        transaction.recipients.clear();
        transaction.wire_recipients.clear();
        run.transactions.push_back(std::move(transaction));
        current = slot.transaction;
      }
      smtp::Transaction& transaction = run.transactions.back();
      transaction.recipients.push_back(slot.address);
      const std::vector<std::string>& wire =
          destination.transactions[slot.transaction].wire_recipients;
      if (slot.index < wire.size()) transaction.wire_recipients.push_back(wire[slot.index]);
    }
    return run;
  }
};

DestinationFsm::DestinationFsm(Destination destination, FsmOptions options)
    : state_(std::make_shared<State>(std::move(destination), std::move(options))) {
  state_->start();
}

DestinationAction DestinationFsm::next_action() {
  return state_->action();
}

void DestinationFsm::on_mx(const dns::MxAnswer& answer) {
  if (state_->phase == Phase::resolve_mx) state_->take_mx(answer);
}

void DestinationFsm::on_addresses(const dns::AddressAnswer& answer) {
  if (state_->phase == Phase::resolve_addrs) state_->take_addresses(answer);
}

void DestinationFsm::on_connected() {
  if (state_->phase == Phase::connect) state_->take_connected();
}

void DestinationFsm::on_connect_failed(std::error_code error, std::string detail) {
  if (state_->phase == Phase::connect) state_->take_connect_failure(error, std::move(detail));
}

void DestinationFsm::on_session(const smtp::SessionOutcome& outcome) {
  if (state_->phase == Phase::run_session) state_->take_session(outcome);
}

const dns::MxPlan& DestinationFsm::plan() const noexcept {
  return state_->plan;
}

}  // namespace smtpsend::delivery
