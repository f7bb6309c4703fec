#include "destination_run.hpp"

#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/helo_name.hpp"
#include "smtpsend/delivery/host_tls.hpp"
#include "smtpsend/transport/smtp_connection.hpp"

namespace smtpsend::delivery::detail {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// --dns-timeout bounds the time spent resolving one destination, not the wall clock: host 2's
// addresses are looked up only after host 1 failed, possibly minutes of SMTP later.
class DnsBudget {
 public:
  explicit DnsBudget(Clock::duration total) : remaining_(total) {}
  Clock::time_point start() {
    started_ = Clock::now();
    return started_ + remaining_;
  }
  void stop() { remaining_ -= std::min(remaining_, Clock::now() - started_); }

 private:
  Clock::duration remaining_;
  Clock::time_point started_;
};

dns::RandomIndex random_index(std::mt19937& random) {
  return [&random](std::size_t bound) -> std::size_t {
    if (bound <= 1) return 0;
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
  };
}

void note(const DeliveryOptions& options, std::string_view peer, const std::string& text) {
  if (options.transcript != nullptr) options.transcript->line(peer, TranscriptKind::info, text, 1);
}

class Runner {
  using tcp_socket = asio::ip::tcp::socket;

 public:
  Runner(RunContext& context, const Destination& destination, bool resolve_only)
      : context_(context),
        options_(context.options),
        fsm_(destination, FsmOptions{options_.route, random_index(context.random), resolve_only}),
        budget_(options_.dns_timeout) {}

  asio::awaitable<DestinationRun> run() {
    for (;;) {
      DestinationAction action = fsm_.next_action();
      if (auto* finish = std::get_if<Finish>(&action)) {
        report_progress(finish->results);
        co_return DestinationRun{std::move(*finish), fsm_.plan()};
      }
      co_await std::visit([this](auto& step) { return perform(step); }, action);
    }
  }

 private:
  asio::awaitable<void> perform(ResolveMx& step) {
    if (auto known = context_.mx_answers.find(step.domain); known != context_.mx_answers.end()) {
      fsm_.on_mx(known->second);
      co_return;
    }
    const auto deadline = budget_.start();
    dns::MxAnswer answer = co_await context_.resolver.query_mx(std::move(step.domain), deadline);
    budget_.stop();
    fsm_.on_mx(answer);
  }

  asio::awaitable<void> perform(ResolveAddrs& step) {
    const auto deadline = budget_.start();
    dns::AddressAnswer answer = co_await context_.resolver.query_addresses(
        std::move(step.host), options_.route.family, deadline);
    budget_.stop();
    fsm_.on_addresses(answer);
  }

  asio::awaitable<void> perform(Connect& step) {
    note(options_, step.host,
         "connecting to " + step.host + "[" + step.ip + "]:" + std::to_string(step.port));
    transport::ConnectResult connected = co_await transport::connect_tcp(
        co_await asio::this_coro::executor, step.ip, step.port, options_.connect_timeout);
    if (connected.error || !connected.socket) {
      note(options_, step.host, "connect failed: " + connected.detail);
      fsm_.on_connect_failed(connected.error ? connected.error : make_error_code(Errc::internal),
                             std::move(connected.detail));
      co_return;
    }
    socket_ = std::move(connected.socket);
    fsm_.on_connected();
  }

  asio::awaitable<void> perform(RunSession& step) {
    if (!socket_) {
      fsm_.on_session(smtp::SessionOutcome{});  // cannot happen: Connect precedes RunSession
      co_return;
    }
    const HostTls tls = tls_for_host(options_, step.without_tls);
    // The run-wide part as it is; only what belongs to this connection is added here.
    smtp::SessionConfig config;
    config.settings = options_.session;
    boost::system::error_code local_error;
    const auto local = socket_->local_endpoint(local_error);
    config.helo_name =
        helo_name_for(options_.helo_name, local_error ? "" : local.address().to_string());
    config.peer = step.peer;
    config.tls = tls.policy;
    config.implicit_tls = tls.implicit_tls;
    smtp::Session session(std::move(config), std::move(step.transactions), options_.transcript);
    tcp_socket socket = std::move(*socket_);
    socket_.reset();
    const transport::TlsUpgrade upgrade{&context_.tls, tls.policy, step.peer.host,
                                        options_.transcript};
    // The transport's value, made from the one place each timeout is kept.
    const transport::Timeouts timeouts{options_.connect_timeout, options_.session.timeouts};
    smtp::SessionOutcome outcome = co_await transport::drive_session(
        std::move(socket), session, timeouts, upgrade, options_.in_flight);
    // The retry itself is the DestinationFsm's decision (destination_fsm.cpp); -v says so.
    if (!outcome.tls_failure.empty()) {
      note(options_, step.peer.host,
           outcome.tls_failure + "; retrying without TLS (opportunistic)");
    }
    fsm_.on_session(outcome);
  }

  asio::awaitable<void> perform(Finish&) { co_return; }

  // Recipients settled without a session (DNS, connection failures) show up only here.
  void report_progress(const std::vector<RecipientResult>& results) const {
    if (options_.session.progress == nullptr) return;
    for (const RecipientResult& r : results) {
      options_.session.progress->settled(r.message_index, r.address, r.status);
    }
  }

  RunContext& context_;
  const DeliveryOptions& options_;
  DestinationFsm fsm_;
  DnsBudget budget_;
  std::optional<tcp_socket> socket_;
};

}  // namespace

asio::awaitable<DestinationRun> run_destination(RunContext& context, const Destination& destination,
                                                bool resolve_only) {
  std::string failure = "unknown exception";
  try {
    Runner runner(context, destination, resolve_only);
    co_return co_await runner.run();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
  }
  DestinationRun run;
  run.finish.results =
      defer_all(destination, Errc::internal,
                "internal error while delivering to " + destination.domain + ": " + failure);
  co_return run;
}

std::vector<RecipientResult> defer_all(const Destination& destination, Errc error,
                                       const std::string& detail) {
  std::vector<RecipientResult> results;
  for (const smtp::Transaction& transaction : destination.transactions) {
    for (const std::string& address : transaction.recipients) {
      RecipientResult result;
      result.message_index = transaction.message_index;
      result.address = address;
      result.status = RecipientStatus::deferred;
      result.cause = FailureCause::temporary;
      result.diag.error = make_error_code(error);
      result.diag.detail = detail;
      results.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace smtpsend::delivery::detail
