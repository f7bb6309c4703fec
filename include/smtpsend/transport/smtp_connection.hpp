// transport/smtp_connection: Asio TCP connect and the single loop that drives a smtp::Session.
//
// Owns: connecting to one address with a connect timeout; performing the session's actions
// (Write, Read, StartTls, Close) with one timer per stage, its duration from the stage table
// (or --timeout for every stage); TCP_NODELAY; the STARTTLS upgrade (RFC 3207) with the OpenSSL
// context of tls_client.hpp, after which the same loop runs over TLS. Later: implicit TLS.
// Must not: decide protocol steps (the Session does). Errors: Errc::connection_refused,
// connect_timeout, network_error, with the system's text in `detail`; handshake failures go to
// the session as on_tls_failed().
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "smtpsend/core/in_flight.hpp"
#include "smtpsend/core/transcript.hpp"
#include "smtpsend/smtp/session.hpp"
#include "smtpsend/smtp/stage.hpp"
#include "smtpsend/transport/settings.hpp"
#include "smtpsend/transport/tls_client.hpp"

namespace smtpsend::transport {

struct ConnectResult {
  std::error_code error;   // empty on success
  std::string detail;      // "connection refused", "no answer within 30 s", system text
  std::optional<boost::asio::ip::tcp::socket> socket;
};

// Connects to one address. Never throws.
boost::asio::awaitable<ConnectResult> connect_tcp(boost::asio::any_io_executor executor,
                                                  std::string ip, std::uint16_t port,
                                                  std::chrono::seconds timeout);

// What a StartTls action needs: the (lazily built) context, the policy of this session, and the
// MX host name for SNI and, under verify, for the certificate check.
struct TlsUpgrade {
  TlsClient* client = nullptr;  // null: every StartTls fails with tls_unavailable
  smtp::TlsPolicy policy = smtp::TlsPolicy::none;
  std::string host;
  TranscriptSink* transcript = nullptr;  // -vv: protocol, cipher, peer subject, verification
};

// Runs `session` on `socket` until Done and returns its outcome. Every wait is bounded by the
// stage's timeout (on expiry: session.on_timeout()). Never throws; closes the socket.
// `in_flight` (may be null) is told before each Write that ends message data (Write::ends_data).
boost::asio::awaitable<smtp::SessionOutcome> drive_session(boost::asio::ip::tcp::socket socket,
                                                           smtp::Session& session,
                                                           const Timeouts& timeouts,
                                                           const TlsUpgrade& tls = {},
                                                           InFlightSink* in_flight = nullptr);

}  // namespace smtpsend::transport
