// doctor/blocking_dns: the doctor's DNS questions, one at a time, each answered by running the
// io_context until its lookup completes. The doctor asks a few dozen questions in a row, so
// blocking costs nothing there and lets the SPF evaluator's synchronous seam (dns::spf::Dns)
// sit on the project's resolver, --dns-server and deadlines included. Private to src/doctor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>

#include "smtpsend/dns/answer.hpp"
#include "smtpsend/dns/records.hpp"
#include "smtpsend/dns/resolver.hpp"
#include "smtpsend/dns/spf.hpp"

namespace smtpsend::doctor {

class BlockingDns final : public dns::spf::Dns {
 public:
  BlockingDns(boost::asio::io_context& io, dns::Resolver& resolver, std::chrono::seconds timeout)
      : io_(io), resolver_(resolver), timeout_(timeout) {}

  // Runs the io_context until `operation` completes (its lookups carry their own deadlines).
  template <typename T>
  T wait(boost::asio::awaitable<T> operation) {
    std::optional<T> result;
    std::exception_ptr failure;
    boost::asio::co_spawn(io_, std::move(operation), [&](std::exception_ptr error, T value) {
      failure = error;
      result = std::move(value);
    });
    io_.restart();
    while (!result && io_.run_one() > 0) {
    }
    if (failure) std::rethrow_exception(failure);
    // Every lookup has a deadline, so the io_context cannot run dry before it completes.
    if (!result) throw std::logic_error("a DNS lookup ended without an answer");
    return std::move(*result);
  }

  dns::MxAnswer mx(const std::string& name);
  dns::AddressAnswer addresses(const std::string& name, dns::AddressFamily family);
  dns::AddressAnswer address_records(const std::string& name, bool ipv6);
  dns::TxtAnswer txt(const std::string& name);
  dns::NameAnswer ptr(const std::string& name);

  dns::spf::QueryAnswer query(dns::spf::QueryType type, std::string_view name) override;

 private:
  std::chrono::steady_clock::time_point deadline() const {
    return std::chrono::steady_clock::now() + timeout_;
  }

  boost::asio::io_context& io_;
  dns::Resolver& resolver_;
  std::chrono::seconds timeout_;
};

}  // namespace smtpsend::doctor
