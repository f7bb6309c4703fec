// transport/bounded_wait: races one Asio operation against a steady_timer, so that no wait on a
// peer can last longer than the limit in force (RFC 5321 §4.5.3.2 timeouts, the connect timeout).
// Internal to the transport module.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

namespace smtpsend::transport::detail {

inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

// The operation's result, or nullopt when `limit` passed first (the operation is then
// cancelled through its cancellation slot before this returns).
template <typename Result>
boost::asio::awaitable<std::optional<Result>> within(boost::asio::awaitable<Result> operation,
                                                     std::chrono::steady_clock::duration limit) {
  using namespace boost::asio::experimental::awaitable_operators;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, limit);
  auto winner = co_await (std::move(operation) || timer.async_wait(use_tuple));
  if (winner.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(winner));
}

}  // namespace smtpsend::transport::detail
