// delivery/destination_run: performs one DestinationFsm's actions with the real resolver and
// transport. Internal to the delivery module; the policy stays in destination_fsm.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <map>
#include <random>
#include <string>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/delivery/destination_fsm.hpp"
#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/dns/resolver.hpp"
#include "smtpsend/transport/tls_client.hpp"

namespace smtpsend::delivery::detail {

// Shared by every destination of one run; the io_context runs on one thread, so none of it
// needs a lock.
struct RunContext {
  dns::Resolver& resolver;
  const DeliveryOptions& options;
  std::mt19937& random;
  transport::TlsClient& tls;  // its OpenSSL context is built on the first StartTls only
  // MX answers already looked up (to find domains sharing MX hosts), by A-label domain: used
  // instead of asking again.
  std::map<std::string, dns::MxAnswer> mx_answers = {};
};

struct DestinationRun {
  Finish finish;
  dns::MxPlan plan;
};

// Every recipient of `destination` deferred (temporary) with one error and sentence: used when
// the destination cannot be worked on at all (no resolver, an unexpected exception).
std::vector<RecipientResult> defer_all(const Destination& destination, Errc error,
                                       const std::string& detail);

// Runs the destination to Finish. Never throws: an unexpected exception defers every recipient
// of the destination with one sentence.
boost::asio::awaitable<DestinationRun> run_destination(RunContext& context,
                                                       const Destination& destination,
                                                       bool resolve_only);

}  // namespace smtpsend::delivery::detail
