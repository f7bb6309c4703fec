// doctor/probe: one MX host asked what a sending client would see (SPEC.md "doctor": connect,
// EHLO, STARTTLS, QUIT; never MAIL). Private to src/doctor; the runner calls it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "smtpsend/doctor/facts.hpp"
#include "smtpsend/transport/tls_client.hpp"

namespace smtpsend::doctor {

struct ProbeSettings {
  std::uint16_t port = 25;
  std::string helo;
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds reply_timeout{30};  // each reply, the TLS handshake included
  transport::TlsClient* tls = nullptr;
};

// Fills `probe` (host and domain set by the caller) from the first of `addresses` that answers
// the connection; every wait is bounded by the settings. Never throws for network outcomes.
boost::asio::awaitable<void> probe_mx(boost::asio::any_io_executor executor, MxProbe& probe,
                                      std::vector<std::string> addresses,
                                      const ProbeSettings& settings);

}  // namespace smtpsend::doctor
