// Runs every destination on one io_context with at most --max-parallel at a time, then puts
// the results back in the order the user gave the recipients.
#include "smtpsend/delivery/runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <random>
#include <set>
#include <utility>

#include "destination_run.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/descriptor_budget.hpp"
#include "smtpsend/delivery/host_tls.hpp"
#include "smtpsend/delivery/result_order.hpp"
#include "smtpsend/delivery/shared_mx.hpp"

namespace smtpsend::delivery {
namespace {

namespace asio = boost::asio;

// Destinations handed out one at a time to the workers (single-threaded: no lock).
class WorkQueue {
 public:
  explicit WorkQueue(std::size_t size) : size_(size) {}
  std::optional<std::size_t> next() {
    if (next_ == size_) return std::nullopt;
    return next_++;
  }

 private:
  std::size_t size_;
  std::size_t next_ = 0;
};

asio::awaitable<void> worker(detail::RunContext& context,
                             const std::vector<Destination>& destinations, bool resolve_only,
                             WorkQueue& queue, std::vector<detail::DestinationRun>& runs) {
  while (std::optional<std::size_t> index = queue.next()) {
    runs[*index] = co_await detail::run_destination(context, destinations[*index], resolve_only);
  }
}

// The progress line is redrawn by the clock, not only when a destination finishes: the first
// recipients of a slow run may settle only after minutes (report/progress_line.hpp).
struct ProgressClock {
  explicit ProgressClock(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::size_t workers_left = 0;
};

asio::awaitable<void> tick_progress(ProgressClock& clock, ProgressSink& sink) {
  while (clock.workers_left > 0) {
    clock.timer.expires_after(kProgressTick);
    boost::system::error_code ignored;  // cancelled when the last worker ends
    co_await clock.timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (clock.workers_left > 0) sink.tick();
  }
}

std::unique_ptr<dns::Resolver> make_resolver(asio::io_context& io, const DeliveryOptions& options,
                                             std::error_code& error, std::string& problem) {
  dns::ResolverOptions resolver_options;
  resolver_options.servers = options.dns_servers;
  resolver_options.transcript = options.transcript;
  std::unique_ptr<dns::Resolver> resolver =
      dns::Resolver::create(io.get_executor(), std::move(resolver_options), error, problem);
  if (resolver) return resolver;
  if (!error) error = Errc::dns_error;
  if (problem.empty()) problem = "cannot set up DNS resolution: " + error.message();
  return resolver;
}

// Looking for shared MX hosts must not hold every delivery back for long behind one slow
// domain: past this, that domain is simply not merged, and is looked up again, with its whole
// --dns-timeout, when its turn comes.
constexpr std::chrono::seconds kSharedMxLookupLimit{10};

// Only answers that will not change on asking again are kept for delivery.
bool settled(const dns::MxAnswer& answer) {
  return !dns::is_temporary(answer.status);
}

asio::awaitable<void> mx_worker(detail::RunContext& context,
                                const std::vector<std::string>& domains, WorkQueue& queue) {
  while (std::optional<std::size_t> index = queue.next()) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::min<std::chrono::steady_clock::duration>(
                                               context.options.dns_timeout, kSharedMxLookupLimit);
    dns::MxAnswer answer = co_await context.resolver.query_mx(domains[*index], deadline);
    if (settled(answer)) context.mx_answers[domains[*index]] = std::move(answer);
  }
}

// Looks up every destination's MX records (at most --max-parallel at a time) and merges the
// destinations that share their MX hosts (shared_mx.hpp). The answers stay in `context`, so
// no domain is looked up twice.
void merge_by_mx(asio::io_context& io, detail::RunContext& context,
                 std::vector<Destination>& destinations) {
  std::vector<std::string> domains;
  for (const Destination& destination : destinations) {
    if (std::string name = mx_query_name(destination); !name.empty()) {
      domains.push_back(std::move(name));
    }
  }
  WorkQueue queue(domains.size());
  const std::size_t workers =
      std::min(std::max<std::size_t>(context.options.max_parallel, 1), domains.size());
  for (std::size_t i = 0; i < workers; ++i) {
    asio::co_spawn(io, mx_worker(context, domains, queue), [](std::exception_ptr) {});
  }
  io.run();
  io.restart();
  destinations = merge_shared_mx(std::move(destinations), context.mx_answers);
  for (const Destination& destination : destinations) {
    if (!destination.label.empty() && context.options.transcript != nullptr) {
      context.options.transcript->line(destination.domain, TranscriptKind::info,
                                       destination.label + " share their MX hosts: one connection",
                                       1);
    }
  }
}

// Workers for `destinations`: --max-parallel, lowered when the open-files limit cannot hold that
// many connections at once (descriptor_budget.hpp); -v says so when it holds a run back.
std::size_t parallel_destinations(const DeliveryOptions& options, const dns::Resolver& resolver,
                                  std::size_t destinations) {
  const std::size_t wanted =
      std::min(std::max<std::size_t>(options.max_parallel, 1), destinations);
  const std::optional<DescriptorBudget> budget =
      current_descriptor_budget(resolver.descriptors_at_most());
  if (!budget) return wanted;
  const std::size_t parallel = parallel_within(wanted, *budget);
  if (parallel < wanted && options.transcript != nullptr) {
    options.transcript->line(
        "", TranscriptKind::info,
        "--max-parallel " + std::to_string(options.max_parallel) + " lowered to " +
            std::to_string(parallel) + ": the open-files limit (ulimit -n) is " +
            std::to_string(budget->limit) + " and " + std::to_string(budget->in_use) +
            " are open already",
        1);
  }
  return parallel;
}

// Runs every destination to its Finish; an empty vector and `error` and `problem` set when the
// resolver cannot be created (Errc::dns_error) or the loop threw (Errc::internal). With
// `share_mx`, destinations sharing MX hosts are merged first, and `destinations` is what was run.
std::vector<detail::DestinationRun> run_all(std::vector<Destination>& destinations,
                                            const DeliveryOptions& options, bool resolve_only,
                                            bool share_mx, std::error_code& error,
                                            std::string& problem) {
  asio::io_context io;
  std::unique_ptr<dns::Resolver> resolver = make_resolver(io, options, error, problem);
  if (!resolver) return {};

  std::mt19937 random{std::random_device{}()};
  transport::TlsClient tls(options.tls);
  detail::RunContext context{*resolver, options, random, tls};
  if (share_mx) merge_by_mx(io, context, destinations);
  std::vector<detail::DestinationRun> runs(destinations.size());
  WorkQueue queue(destinations.size());
  const std::size_t workers = parallel_destinations(options, *resolver, destinations.size());
  ProgressClock clock(io);
  clock.workers_left = workers;
  for (std::size_t i = 0; i < workers; ++i) {
    // run_destination already turned errors into results.
    asio::co_spawn(io, worker(context, destinations, resolve_only, queue, runs),
                   [&clock](std::exception_ptr) {
                     if (--clock.workers_left == 0) clock.timer.cancel();
                   });
  }
  if (options.session.progress != nullptr && !resolve_only && workers > 0) {
    asio::co_spawn(io, tick_progress(clock, *options.session.progress), [](std::exception_ptr) {});
  }
  try {
    io.run();
  } catch (const std::exception& e) {
    error = Errc::internal;
    problem = std::string("internal error: ") + e.what();
    return {};
  }
  return runs;
}

// Every destination's results, in the order the destinations ran.
std::vector<RecipientResult> all_results(std::vector<detail::DestinationRun>& runs) {
  std::vector<RecipientResult> results;
  for (detail::DestinationRun& run : runs) {
    for (RecipientResult& result : run.finish.results) results.push_back(std::move(result));
  }
  return results;
}

PlannedDestination planned(const Destination& destination, const detail::DestinationRun& run,
                           const DeliveryOptions& options) {
  PlannedDestination planned;
  planned.domain = destination.domain;
  std::set<std::string> listed;
  for (const smtp::Transaction& transaction : destination.transactions) {
    for (const std::string& address : transaction.recipients) {
      if (listed.insert(address).second) planned.recipients.push_back(address);
    }
  }
  planned.plan = run.plan;
  planned.port = destination_port(options.route);
  planned.relay = options.route.relay.has_value();
  const HostTls tls = tls_for_host(options);
  planned.implicit_tls = tls.implicit_tls;
  planned.tls_policy = std::string(smtp::to_string(tls.policy));
  if (!run.finish.results.empty()) planned.problem = run.finish.results.front().diag.detail;
  return planned;
}

// Direct delivery groups by recipient domain; a relay takes everything in one destination.
std::vector<Destination> destinations_for(const std::vector<OutgoingMessage>& messages,
                                          const DeliveryOptions& options) {
  if (options.route.relay) return {relay_destination(messages, *options.route.relay)};
  return group_by_domain(messages);
}

}  // namespace

DeliveryReport deliver(const std::vector<OutgoingMessage>& messages,
                       const DeliveryOptions& options) {
  DeliveryReport report;
  try {
    std::vector<Destination> destinations = destinations_for(messages, options);
    // One destination has nobody to share its MX hosts with.
    const bool share_mx = !options.route.relay && destinations.size() > 1;
    std::vector<detail::DestinationRun> runs = run_all(destinations, options, /*resolve_only=*/false,
                                                       share_mx, report.fatal, report.fatal_detail);
    if (report.fatal) return report;
    OrderedResults ordered = in_input_order(messages, all_results(runs));
    report.results = std::move(ordered.results);
    report.fatal = ordered.error;
    report.fatal_detail = std::move(ordered.detail);
  } catch (const std::exception& e) {
    report.fatal = Errc::internal;
    report.fatal_detail = std::string("internal error: ") + e.what();
  }
  return report;
}

std::vector<PlannedDestination> plan_only(const std::vector<OutgoingMessage>& messages,
                                          const DeliveryOptions& options,
                                          std::vector<RecipientResult>& resolution_results) {
  std::vector<Destination> destinations = destinations_for(messages, options);
  std::error_code error;
  std::string problem;
  // The plan shows each domain's own MX hosts, as it would be resolved alone.
  std::vector<detail::DestinationRun> runs =
      run_all(destinations, options, /*resolve_only=*/true, /*share_mx=*/false, error, problem);
  if (!problem.empty()) {
    runs.assign(destinations.size(), detail::DestinationRun{});
    for (std::size_t i = 0; i < destinations.size(); ++i) {
      // Without a resolver nothing can be planned; every recipient is deferred with that sentence.
      runs[i].finish.results = detail::defer_all(destinations[i], Errc::dns_error, problem);
    }
  }
  std::vector<PlannedDestination> plans;
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    plans.push_back(planned(destinations[i], runs[i], options));
  }
  resolution_results = decided_in_input_order(messages, all_results(runs));
  return plans;
}

}  // namespace smtpsend::delivery
