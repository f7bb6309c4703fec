// transport/tls_upgrade: the STARTTLS handshake on a connected socket (RFC 3207), bounded by the
// tls_handshake stage timeout, with SNI and, under --tls verify, chain and host name checks.
// Internal to the transport module; drive_session calls it when the session asks for StartTls.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>

#include "smtpsend/smtp/session.hpp"
#include "smtpsend/transport/smtp_connection.hpp"

namespace smtpsend::transport::detail {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

// Performs the handshake and reports it to the session (on_tls_established or on_tls_failed).
// Returns the stream to use from now on, or nullptr when TLS could not be set up.
boost::asio::awaitable<std::unique_ptr<TlsStream>> start_tls(boost::asio::ip::tcp::socket& socket,
                                                             smtp::Session& session,
                                                             const Timeouts& timeouts,
                                                             const TlsUpgrade& upgrade);

// X509_V_ERR_* as error codes, so "certificate has expired" reaches the user's one line.
const std::error_category& x509_category() noexcept;

}  // namespace smtpsend::transport::detail
