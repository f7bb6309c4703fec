// The failover policy of one destination (DESIGN.md rule 7: failure policy in one file, as
// Postfix keeps it in smtp_trouble.c). Everything that decides "try the next address", "this
// recipient is settled" or "say this sentence" is here; the runner only performs actions.
#include "smtpsend/delivery/destination_fsm.hpp"

#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::delivery {
namespace {

enum class Phase { resolve_mx, resolve_addrs, connect, run_session, finished };

// Why a host contributed no address to try.
enum class SkipReason { no_such_host, wrong_family, lookup_failed };

struct SkippedHost {
  std::string name;
  SkipReason reason = SkipReason::no_such_host;
  dns::LookupStatus status = dns::LookupStatus::ok;
  std::string failure;  // dns::AddressAnswer::failure
};

// One recipient of the destination, tracked across every host tried.
struct Slot {
  std::size_t transaction = 0;
  std::string address;
  std::size_t index = 0;  // position in its transaction's recipients (and wire_recipients)
  std::optional<RecipientResult> settled;       // final: never sent again
  std::optional<RecipientResult> last_attempt;  // the latest non-final outcome
};

enum class ConnectFailure { refused, timed_out, other };

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

std::string_view family_name(dns::AddressFamily family) {
  return family == dns::AddressFamily::ipv6 ? "IPv6 (-6)" : "IPv4 (-4)";
}

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

// A verdict for every unsettled recipient at once (DNS failures, exhausted addresses).
struct Verdict {
  RecipientStatus status = RecipientStatus::deferred;
  FailureCause cause = FailureCause::temporary;
  Errc error = Errc::internal;
  std::string detail;
};

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
  std::size_t addresses_tried = 0;  // counted against options.max_addresses
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
    if (options.relay) return start_relay(*options.relay);
    if (destination.domain.starts_with('[')) {
      if (!dns::plan_from_literal(destination.domain, plan)) {
        finish_all({RecipientStatus::failed, FailureCause::message, Errc::message_malformed,
                    destination.domain + " is not a valid address literal"});
        return;
      }
      filter_known_addresses();
      advance();
      return;
    }
    if (!dns::to_ascii_domain(destination.domain, ascii_domain)) {
      finish_all({RecipientStatus::failed, FailureCause::message, Errc::message_malformed,
                  destination.domain + " is not a valid domain name (IDNA2008)"});
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
        finish_all({RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
                    "relay host " + relay.host + " is not a valid host name (IDNA2008)"});
        return;
      }
    }
    plan.domain = host.name;
    plan.hosts = {std::move(host)};
    filter_known_addresses();
    advance();
  }

  bool relaying() const { return options.relay.has_value(); }

  void take_mx(const dns::MxAnswer& answer) {
    plan = dns::plan_from_mx(ascii_domain, answer, options.random);
    switch (plan.kind) {
      case dns::PlanKind::null_mx:
        // RFC 7505 §3: a null MX means the domain accepts no mail; no connection is attempted.
        finish_all({RecipientStatus::failed, FailureCause::no_host, Errc::null_mx,
                    domain() + " does not accept mail (null MX, RFC 7505)"});
        return;
      case dns::PlanKind::no_domain:
        finish_all({RecipientStatus::failed, FailureCause::no_host, Errc::dns_nxdomain,
                    domain() + " does not exist (NXDOMAIN)"});
        return;
      case dns::PlanKind::temporary:
        finish_all({RecipientStatus::deferred, FailureCause::temporary,
                    dns::lookup_error(plan.status),
                    "DNS lookup of " + domain() +
                        " failed: " + dns::lookup_failure_phrase(plan.status, plan.failure)});
        return;
      case dns::PlanKind::mx:
      case dns::PlanKind::implicit:
      case dns::PlanKind::literal:
        break;
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
    std::erase_if(addresses, [&](const std::string& a) { return !wanted(a, options.family); });
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
    SkipReason reason = SkipReason::no_such_host;
    if (dns::is_temporary(answer.status)) reason = SkipReason::lookup_failed;
    if (answer.status == dns::LookupStatus::ok) reason = SkipReason::wrong_family;
    skipped.push_back(SkippedHost{name, reason, answer.status, answer.failure});
  }

  // Moves to the next thing to do: resolve a host, connect to an address, or finish.
  // RFC 5321 §5.1: hosts in plan order, and every address of a host before the next host; at
  // most options.max_addresses addresses over all of them (Postfix's smtp_mx_address_limit), so
  // that a domain publishing many dead addresses costs a bounded time.
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
    return !options.resolve_only && addresses_tried >= options.max_addresses;
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

  void take_connect_failure(std::error_code error, std::string detail) {
    ConnectFailure kind = ConnectFailure::other;
    if (error == Errc::connection_refused) kind = ConnectFailure::refused;
    if (error == Errc::connect_timeout) kind = ConnectFailure::timed_out;
    hosts_tried.insert(host);
    connect_failures.push_back(kind);
    last_connect_detail = std::move(detail);
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
        slot.settled =
            result_for(slot, no_session.value_or(Verdict{
                                 RecipientStatus::deferred, FailureCause::temporary, Errc::internal,
                                 "delivery to " + domain() + " ended without a result"}));
      }
    }
    finish_settled();
  }

  // --dry-run: only a destination that cannot be reached at all gets results.
  void finish_resolution() {
    if (usable_addresses() == 0) {
      finish_all(no_address_verdict());
    } else {
      phase = Phase::finished;
    }
  }

  std::size_t usable_addresses() const {
    std::size_t n = 0;
    for (const dns::PlannedHost& h : plan.hosts) n += h.addresses.size();
    return n;
  }

  std::optional<Verdict> connections_verdict() const {
    if (connect_failures.empty() && sessions_run == 0) return no_address_verdict();
    if (connect_failures.empty()) return std::nullopt;
    return Verdict{RecipientStatus::deferred, FailureCause::temporary, connect_errc(),
                   connect_sentence() + skipped_note()};
  }

  Errc connect_errc() const {
    if (all_failures(ConnectFailure::refused)) return Errc::connection_refused;
    if (all_failures(ConnectFailure::timed_out)) return Errc::connect_timeout;
    return Errc::network_error;
  }

  bool all_failures(ConnectFailure kind) const {
    for (ConnectFailure f : connect_failures) {
      if (f != kind) return false;
    }
    return true;
  }

  // "connection refused by all 2 addresses of 2 MX hosts of example.com"
  std::string connect_sentence() const {
    if (gave_up) return tried_sentence() + "; " + gave_up_clause();
    const std::size_t n = connect_failures.size();
    const std::string addresses = counted(n, "address", "addresses");
    const bool literal = plan.kind == dns::PlanKind::literal;
    const std::string where = literal && !relaying() ? domain() : tried_where();
    if (literal) {
      if (all_failures(ConnectFailure::refused)) return "connection refused by " + where;
      if (all_failures(ConnectFailure::timed_out)) return last_connect_detail + " from " + where;
      return "could not connect to " + where + ": " + last_connect_detail;
    }
    const std::string every = n == 1 ? "the " : "all ";
    const std::string any = n == 1 ? "the " : "any of the ";
    if (all_failures(ConnectFailure::refused)) {
      return "connection refused by " + every + addresses + " of " + where;
    }
    if (all_failures(ConnectFailure::timed_out)) {
      return last_connect_detail + " from " + any + addresses + " of " + where;
    }
    if (n == 1)
      return "could not connect to the 1 address of " + where + ": " + last_connect_detail;
    return "could not connect to any of the " + addresses + " of " + where;
  }

  // The connection failures when the address limit stopped the destination: where they were is
  // said by gave_up_clause. "connection refused by all 5 addresses tried"
  std::string tried_sentence() const {
    const std::size_t n = connect_failures.size();
    const std::string tried = counted(n, "address", "addresses") + " tried";
    if (all_failures(ConnectFailure::refused)) {
      return "connection refused by " + std::string(n == 1 ? "the " : "all ") + tried;
    }
    if (all_failures(ConnectFailure::timed_out)) {
      return last_connect_detail + " from " + std::string(n == 1 ? "the " : "any of the ") + tried;
    }
    if (n == 1) return "could not connect to the 1 address tried: " + last_connect_detail;
    return "could not connect to any of the " + tried;
  }

  // "gave up after 5 of 100 addresses of 10 MX hosts of example.com"; hosts not reached were not
  // looked up (that would only cost DNS time), so their addresses cannot be counted.
  std::string gave_up_clause() const {
    const std::string after = "gave up after " + std::to_string(addresses_tried) + " of ";
    std::string where;
    if (relaying()) {
      where = "relay host " + domain();
    } else if (plan.kind == dns::PlanKind::implicit) {
      where = domain() + " (no MX, using its address records)";
    } else {
      where = counted(plan.hosts.size(), "MX host", "MX hosts") + " of " + domain();
    }
    const std::size_t not_looked_up = hosts_not_looked_up();
    if (not_looked_up == 0) {
      return after + counted(usable_addresses(), "address", "addresses") + " of " + where;
    }
    // Only an MX plan has hosts left to look up: the implicit MX and the relay are one host.
    return after + "the addresses of " + where + " (" + std::to_string(not_looked_up) +
           " of them not looked up)";
  }

  std::size_t hosts_not_looked_up() const {
    std::size_t n = 0;
    for (const dns::PlannedHost& h : plan.hosts) n += h.addresses_known ? 0 : 1;
    return n;
  }

  std::string tried_where() const {
    if (relaying()) return "relay host " + domain();
    if (plan.kind == dns::PlanKind::implicit) {
      return domain() + " (no MX, using its address records)";
    }
    return counted(hosts_tried.size(), "MX host", "MX hosts") + " of " + domain();
  }

  // Hosts left out of the count because they had no address to try.
  std::string skipped_note() const {
    if (skipped.empty() || plan.kind != dns::PlanKind::mx) return "";
    return " (no usable address for " + skipped_names() + ")";
  }

  std::string skipped_names() const {
    std::string names;
    for (const SkippedHost& s : skipped) {
      if (!names.empty()) names += ", ";
      names += s.name;
    }
    return names;
  }

  // No address to connect to at all.
  Verdict no_address_verdict() const {
    if (relaying()) return relay_without_address();
    for (const SkippedHost& s : skipped) {
      if (s.reason == SkipReason::lookup_failed) {
        const std::string subject = plan.kind == dns::PlanKind::implicit ? domain() : s.name;
        return {RecipientStatus::deferred, FailureCause::temporary, dns::lookup_error(s.status),
                "DNS lookup of " + subject +
                    " failed: " + dns::lookup_failure_phrase(s.status, s.failure)};
      }
    }
    if (plan.kind == dns::PlanKind::implicit && !any_skipped(SkipReason::wrong_family)) {
      // RFC 5321 §5.1: no MX and no address record means the domain cannot receive mail.
      return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
              domain() + " has neither MX nor address records"};
    }
    if (any_skipped(SkipReason::wrong_family) || plan.kind == dns::PlanKind::literal) {
      return {RecipientStatus::failed, FailureCause::permanent, Errc::no_mx_nor_address,
              domain() + " has no " + std::string(family_name(options.family)) + " address"};
    }
    return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
            "no MX host of " + domain() + " has an address record (" + skipped_names() + ")"};
  }

  // A relay host name that does not resolve is as final as a recipient domain that does not
  // exist (msmtp says EX_NOHOST too); a lookup that failed may work later.
  Verdict relay_without_address() const {
    const std::string where = "relay host " + domain();
    for (const SkippedHost& s : skipped) {
      if (s.reason == SkipReason::lookup_failed) {
        return {RecipientStatus::deferred, FailureCause::temporary, dns::lookup_error(s.status),
                "DNS lookup of " + where +
                    " failed: " + dns::lookup_failure_phrase(s.status, s.failure)};
      }
      if (s.reason == SkipReason::wrong_family) {
        return {RecipientStatus::failed, FailureCause::permanent, Errc::no_mx_nor_address,
                where + " has no " + std::string(family_name(options.family)) + " address"};
      }
    }
    return {RecipientStatus::failed, FailureCause::no_host, Errc::no_mx_nor_address,
            where + " has no address record"};
  }

  bool any_skipped(SkipReason reason) const {
    for (const SkippedHost& s : skipped) {
      if (s.reason == reason) return true;
    }
    return false;
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
        return Connect{h.name, h.addresses[address], options.port};
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
