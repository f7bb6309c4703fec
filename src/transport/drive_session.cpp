// The single loop between a sans-io smtp::Session and a socket: the session decides every
// step, this file only performs it with the stage's timeout (RFC 5321 §4.5.3.2): one deadline
// per awaited reply, from the command to the complete reply, so a server that trickles bytes
// cannot stretch it (as Postfix's smtp_per_request_deadline); each write has its own limit,
// renewed per write, since a slow reader is no attacker. While message data is written the
// socket is read too, so a reply that comes early is seen before the final dot. After StartTls
// the same loop runs over the TLS stream: no byte read in clear is carried over (RFC 3207 §4.2;
// the read buffer is handed to the session whole on every read, so nothing is kept here).
// Message data is read here too, a slice per ReadBody, so the session does no I/O at all.
#include <array>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>

#include "bounded_wait.hpp"
#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/transport/smtp_connection.hpp"
#include "tls_upgrade.hpp"

namespace smtpsend::transport {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// One read's worth; the session's own parser bounds what it keeps (smtp/reply.hpp limits).
inline constexpr std::size_t kReadBufferSize = 16 * 1024;
using ReadBuffer = std::array<char, kReadBufferSize>;

void report_error(smtp::Session& session, const boost::system::error_code& ec) {
  // A TLS peer that closes without close_notify is, for SMTP, a closed connection.
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    session.on_eof();
  } else {
    session.on_io_error(ec);
  }
}

// A watched write and the reads beside it. Completion handlers run in the order the kernel
// finished their operations, so the write's own handler sets `written` before any read that
// completed later resumes: bytes read after that answer what was written (the final dot, say)
// and wait in `late` until the session has been told the write is done.
struct WatchedWrite {
  bool written = false;
  std::string late;
};

template <typename Stream>
asio::awaitable<std::tuple<boost::system::error_code, std::size_t>> write_all(
    Stream& socket, std::string_view bytes, bool* written) {
  auto result = co_await asio::async_write(socket, asio::buffer(bytes), detail::use_tuple);
  if (written != nullptr) *written = true;
  co_return result;
}

template <typename Stream>
asio::awaitable<void> perform_write(Stream& socket, smtp::Session& session,
                                    const smtp::Write& write, const Timeouts& timeouts,
                                    bool* written = nullptr) {
  auto result = co_await detail::within(write_all(socket, write.bytes, written),
                                        timeouts.stages.for_stage(write.stage));
  if (!result) {
    session.on_timeout();
  } else if (auto [ec, n] = *result; ec) {
    report_error(session, ec);
  } else {
    session.on_written();
  }
}

// Reads while a watched write (message data) is under way. It ends when the session gives that
// write up (an early reply settled the attempt), the connection fails, or the write is done;
// otherwise the write's completion cancels it, and bytes not yet read stay in the socket for
// the next Read.
template <typename Stream>
asio::awaitable<void> read_while_writing(Stream& socket, smtp::Session& session,
                                         ReadBuffer& buffer, WatchedWrite& state) {
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), detail::use_tuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (state.written) {
      state.late.append(buffer.data(), n);
      co_return;  // an error, if any, is met again by the next Read
    }
    if (n > 0) session.on_bytes(std::string_view(buffer.data(), n));
    if (ec) {
      report_error(session, ec);
      co_return;
    }
    if (!session.write_pending()) co_return;
  }
}

template <typename Stream>
asio::awaitable<void> perform_watched_write(Stream& socket, smtp::Session& session,
                                            const smtp::Write& write, const Timeouts& timeouts,
                                            ReadBuffer& buffer) {
  using namespace asio::experimental::awaitable_operators;
  WatchedWrite state;
  // Whichever ends first, the other is cancelled: a write the session gave up is nobody's
  // business any more (the connection is closed next).
  co_await (perform_write(socket, session, write, timeouts, &state.written) ||
            read_while_writing(socket, session, buffer, state));
  if (!state.late.empty() && !session.write_pending()) session.on_bytes(state.late);
}

// The deadline of the reply being awaited (Read::reply), set by its first Read.
struct ReplyDeadline {
  std::optional<std::uint64_t> reply;
  std::chrono::steady_clock::time_point at;
};

template <typename Stream>
asio::awaitable<void> perform_read(Stream& socket, smtp::Session& session, const smtp::Read& read,
                                   const Timeouts& timeouts, ReadBuffer& buffer,
                                   ReplyDeadline& deadline) {
  const auto now = std::chrono::steady_clock::now();
  if (deadline.reply != read.reply) {
    deadline.reply = read.reply;
    deadline.at = now + timeouts.stages.for_stage(read.stage);
  }
  if (now >= deadline.at) {
    session.on_timeout();
    co_return;
  }
  auto received = co_await detail::within(
      socket.async_read_some(asio::buffer(buffer), detail::use_tuple), deadline.at - now);
  if (!received) {
    session.on_timeout();
    co_return;
  }
  auto [ec, n] = *received;
  if (n > 0) session.on_bytes(std::string_view(buffer.data(), n));
  if (ec) report_error(session, ec);
}

void close_socket(tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Message data is read here, not in the session (smtp/ does no I/O): one slice per request,
// just ahead of the Write that carries it, so no more than a block or two is held.
void read_body(smtp::Session& session, const smtp::ReadBody& request,
               message::ContentSlices& slices) {
  std::string_view slice;
  std::string error;
  if (slices.next(request.content, request.offset, request.max, slice, error)) {
    session.on_body(slice);
  } else {
    session.on_body_failed(std::move(error));
  }
}

// The session's close comes after QUIT or a failure: everything is settled, so no TLS
// close_notify is awaited; the TCP close ends both layers.
asio::awaitable<smtp::SessionOutcome> run_loop(tcp::socket& socket, smtp::Session& session,
                                               const Timeouts& timeouts, const TlsUpgrade& upgrade,
                                               InFlightSink* in_flight) {
  ReadBuffer buffer;
  ReplyDeadline deadline;
  message::ContentSlices body;
  std::unique_ptr<detail::TlsStream> tls;
  for (;;) {
    smtp::Action action = session.next_action();
    if (auto* write = std::get_if<smtp::Write>(&action)) {
      // The record must be durable before the server can deliver (core/in_flight.hpp).
      if (write->ends_data && in_flight != nullptr) {
        in_flight->before_end_of_data(write->ends_data->message_index,
                                      write->ends_data->recipients);
      }
      if (write->watch_replies) {
        if (tls) {
          co_await perform_watched_write(*tls, session, *write, timeouts, buffer);
        } else {
          co_await perform_watched_write(socket, session, *write, timeouts, buffer);
        }
      } else if (tls) {
        co_await perform_write(*tls, session, *write, timeouts);
      } else {
        co_await perform_write(socket, session, *write, timeouts);
      }
      // The session wipes its own copy of an AUTH line's credential; this is the driver's.
      if (write->secret) smtp::wipe(write->bytes);
    } else if (auto* read = std::get_if<smtp::Read>(&action)) {
      if (tls) {
        co_await perform_read(*tls, session, *read, timeouts, buffer, deadline);
      } else {
        co_await perform_read(socket, session, *read, timeouts, buffer, deadline);
      }
    } else if (auto* request = std::get_if<smtp::ReadBody>(&action)) {
      read_body(session, *request, body);
    } else if (std::holds_alternative<smtp::StartTls>(action)) {
      tls = co_await detail::start_tls(socket, session, timeouts, upgrade);
    } else if (std::holds_alternative<smtp::Close>(action)) {
      close_socket(socket);
    } else {
      close_socket(socket);
      co_return std::get<smtp::Done>(std::move(action)).outcome;
    }
  }
}

// After an unexpected exception the socket is gone; the session still owes a result per
// recipient, so every further I/O it asks for fails at once. Bounded, in case it never ends.
smtp::SessionOutcome finish_without_io(smtp::Session& session) {
  constexpr int kMaxSteps = 64;
  const std::error_code lost = make_error_code(Errc::internal);
  for (int step = 0; step < kMaxSteps; ++step) {
    smtp::Action action = session.next_action();
    if (auto* done = std::get_if<smtp::Done>(&action)) return std::move(done->outcome);
    if (auto* write = std::get_if<smtp::Write>(&action); write && write->secret) {
      smtp::wipe(write->bytes);
    }
    if (std::holds_alternative<smtp::StartTls>(action)) {
      session.on_tls_failed(lost);
    } else if (!std::holds_alternative<smtp::Close>(action)) {
      session.on_io_error(lost);
    }
  }
  return {};
}

}  // namespace

asio::awaitable<smtp::SessionOutcome> drive_session(tcp::socket socket, smtp::Session& session,
                                                    const Timeouts& timeouts, const TlsUpgrade& tls,
                                                    InFlightSink* in_flight) {
  try {
    co_return co_await run_loop(socket, session, timeouts, tls, in_flight);
  } catch (const std::exception&) {
    // Falls through: only an exception gets here.
  }
  close_socket(socket);
  try {
    session.on_io_error(make_error_code(Errc::internal));
    co_return finish_without_io(session);
  } catch (const std::exception&) {
    // An empty outcome leaves every recipient unsettled; the destination still reports them.
    co_return smtp::SessionOutcome{};
  }
}
}  // namespace smtpsend::transport
