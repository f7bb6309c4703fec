// Connecting to one address, bounded by --connect-timeout (SPEC.md: 30 s per address).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <exception>

#include "bounded_wait.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/transport/smtp_connection.hpp"

namespace smtpsend::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

ConnectResult failure(Errc error, std::string detail) {
  return ConnectResult{make_error_code(error), std::move(detail), std::nullopt};
}

ConnectResult failure_from(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused)
    return failure(Errc::connection_refused, "connection refused");
  return failure(Errc::network_error, ec.message());
}

asio::awaitable<ConnectResult> connect_bounded(asio::any_io_executor executor,
                                               const std::string& ip, std::uint16_t port,
                                               std::chrono::seconds timeout) {
  boost::system::error_code ec;
  const asio::ip::address address = asio::ip::make_address(ip, ec);
  if (ec) co_return failure(Errc::network_error, "'" + ip + "' is not an IP address");

  tcp::socket socket(executor);
  auto connected = co_await detail::within(
      socket.async_connect(tcp::endpoint(address, port), detail::use_tuple), timeout);
  if (!connected) {
    co_return failure(Errc::connect_timeout,
                      "no answer within " + std::to_string(timeout.count()) + " s");
  }
  if (auto [error] = *connected; error) co_return failure_from(error);

  // Pipelined command groups (RFC 2920) are written whole; Nagle would only delay them.
  socket.set_option(tcp::no_delay(true), ec);
  co_return ConnectResult{{}, {}, std::move(socket)};
}

}  // namespace

asio::awaitable<ConnectResult> connect_tcp(asio::any_io_executor executor, std::string ip,
                                           std::uint16_t port, std::chrono::seconds timeout) {
  try {
    co_return co_await connect_bounded(std::move(executor), ip, port, timeout);
  } catch (const std::exception& e) {
    co_return failure(Errc::network_error, e.what());
  }
}

}  // namespace smtpsend::transport
