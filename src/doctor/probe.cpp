// The probe speaks just enough SMTP for the checks: the greeting (port25), the EHLO reply (the
// client IP a server echoes, STARTTLS offered) and the STARTTLS handshake (RFC 3207), whose
// certificate is checked against the trust anchors and the MX host name (RFC 6125) without
// failing the handshake, so that an unverifiable certificate is told apart from no TLS.
#include "probe.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <optional>
#include <variant>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/smtp/capabilities.hpp"
#include "smtpsend/smtp/reply.hpp"
#include "smtpsend/transport/smtp_connection.hpp"

namespace smtpsend::doctor {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

template <typename Result>
asio::awaitable<std::optional<Result>> within(asio::awaitable<Result> operation,
                                              std::chrono::steady_clock::duration limit) {
  using namespace asio::experimental::awaitable_operators;
  asio::steady_timer timer(co_await asio::this_coro::executor, limit);
  auto winner = co_await (std::move(operation) || timer.async_wait(use_tuple));
  if (winner.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(winner));
}

// One conversation's reading side: bytes left over from the last reply stay for the next.
struct ReplyReader {
  smtp::ReplyParser parser;
  std::string pending;
};

template <typename Stream>
asio::awaitable<std::optional<smtp::Reply>> read_reply(Stream& stream, ReplyReader& reader,
                                                       std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::array<char, 4096> buffer{};
  while (true) {
    if (!reader.pending.empty()) {
      const auto result = reader.parser.feed(reader.pending);
      reader.pending.erase(0, result.consumed);
      if (result.status == smtp::ReplyParser::Status::reply_ready) co_return reader.parser.take();
      if (result.status == smtp::ReplyParser::Status::error) co_return std::nullopt;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) co_return std::nullopt;
    auto read = co_await within(stream.async_read_some(asio::buffer(buffer), use_tuple), left);
    if (!read) co_return std::nullopt;
    auto [ec, count] = *read;
    if (ec || count == 0) co_return std::nullopt;
    reader.pending.append(buffer.data(), count);
  }
}

template <typename Stream>
asio::awaitable<bool> send_line(Stream& stream, std::string line, std::chrono::seconds limit) {
  line += "\r\n";
  auto written = co_await within(asio::async_write(stream, asio::buffer(line), use_tuple), limit);
  co_return written && !std::get<0>(*written);
}

template <typename Stream>
asio::awaitable<void> quit(Stream& stream, ReplyReader& reader, std::chrono::seconds limit) {
  const bool sent = co_await send_line(stream, "QUIT", limit);
  if (sent) {
    const auto bye = co_await read_reply(stream, reader, limit);
    static_cast<void>(bye);  // RFC 5321 §4.1.1.10: 221 or not, the probe is over
  }
  co_return;
}

std::string reply_text(const smtp::Reply& reply) {
  return std::to_string(reply.code) + " " + reply.text();
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// VERIFY_NONE lets the handshake finish whatever the certificate; OpenSSL still verifies the
// chain and the host name and keeps the result (SSL_get_verify_result) for the check.
bool configure(SSL* ssl, const std::string& host) {
  SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  if (is_ip_literal(host)) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

asio::awaitable<void> starttls(tcp::socket& socket, ReplyReader& reader, MxProbe& probe,
                               const ProbeSettings& settings) {
  const auto limit = settings.reply_timeout;
  if (!co_await send_line(socket, "STARTTLS", limit)) {
    probe.tls = TlsReach::refused;
    probe.tls_detail = "the connection broke";
    co_return;
  }
  const auto reply = co_await read_reply(socket, reader, limit);
  if (!reply || reply->code != 220) {
    probe.tls = TlsReach::refused;
    probe.tls_detail = reply ? reply_text(*reply) : "no reply within " +
                                                        std::to_string(limit.count()) + " s";
    if (reply) co_await quit(socket, reader, limit);
    co_return;
  }
  std::error_code error;
  std::string problem;
  ssl::context* context = settings.tls ? settings.tls->context(error, problem, true) : nullptr;
  if (context == nullptr) {
    probe.tls = TlsReach::handshake_failed;
    probe.tls_detail = problem.empty() ? "TLS is not available" : problem;
    co_return;
  }
  ssl::stream<tcp::socket&> stream(socket, *context);
  if (!configure(stream.native_handle(), probe.host)) {
    probe.tls = TlsReach::handshake_failed;
    probe.tls_detail = "cannot set up TLS for " + probe.host;
    co_return;
  }
  auto shaken = co_await within(stream.async_handshake(ssl::stream_base::client, use_tuple), limit);
  if (!shaken || std::get<0>(*shaken)) {
    probe.tls = TlsReach::handshake_failed;
    probe.tls_detail = shaken ? std::get<0>(*shaken).message()
                              : "no handshake within " + std::to_string(limit.count()) + " s";
    co_return;
  }
  SSL* ssl = stream.native_handle();
  const long verified = SSL_get_verify_result(ssl);
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate != nullptr && verified == X509_V_OK) {
    probe.tls = TlsReach::verified;
    probe.tls_detail = SSL_get_version(ssl);
  } else {
    probe.tls = TlsReach::unverified;
    probe.tls_detail =
        certificate == nullptr ? "no certificate" : X509_verify_cert_error_string(verified);
  }
  X509_free(certificate);
  // RFC 3207 §4.2: the session starts over; QUIT over TLS ends it politely.
  ReplyReader after_tls;
  co_await quit(stream, after_tls, limit);
}

asio::awaitable<void> converse(tcp::socket socket, MxProbe& probe, const ProbeSettings& settings) {
  const auto limit = settings.reply_timeout;
  ReplyReader reader;
  const auto greeting = co_await read_reply(socket, reader, limit);
  if (!greeting) {
    probe.reach = Reach::silent;
    probe.detail = "no greeting within " + std::to_string(limit.count()) + " s";
    co_return;
  }
  probe.reach = Reach::greeted;
  probe.greeting_code = greeting->code;
  probe.greeting_text = greeting->text();
  if (!greeting->positive()) {
    co_await quit(socket, reader, limit);
    co_return;
  }
  // co_await only in statements of its own: GCC 12 miscompiles it inside a condition or a
  // conditional expression (a crash on the temporaries, or an illegal instruction).
  std::optional<smtp::Reply> ehlo;
  const bool sent = co_await send_line(socket, "EHLO " + settings.helo, limit);
  if (sent) ehlo = co_await read_reply(socket, reader, limit);
  if (!ehlo || ehlo->code != 250) {
    probe.tls_detail = ehlo ? reply_text(*ehlo) : "no reply";
    if (ehlo) co_await quit(socket, reader, limit);
    co_return;
  }
  probe.ehlo_lines = ehlo->lines;
  if (!smtp::Capabilities::from_ehlo(*ehlo).starttls) {
    probe.tls = TlsReach::not_offered;
    co_await quit(socket, reader, limit);
    co_return;
  }
  co_await starttls(socket, reader, probe, settings);
}

}  // namespace

asio::awaitable<void> probe_mx(asio::any_io_executor executor, MxProbe& probe,
                               std::vector<std::string> addresses,
                               const ProbeSettings& settings) {
  for (const std::string& ip : addresses) {
    probe.ip = ip;
    auto connected =
        co_await transport::connect_tcp(executor, ip, settings.port, settings.connect_timeout);
    if (connected.socket) {
      probe.detail.clear();
      co_await converse(std::move(*connected.socket), probe, settings);
      co_return;
    }
    probe.detail = connected.detail;
    if (connected.error == make_error_code(Errc::connection_refused)) {
      probe.reach = Reach::refused;
    } else if (connected.error == make_error_code(Errc::connect_timeout)) {
      probe.reach = Reach::timed_out;
    } else {
      probe.reach = Reach::network_error;
    }
  }
}

}  // namespace smtpsend::doctor
