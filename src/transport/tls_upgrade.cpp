// The STARTTLS handshake (RFC 3207 §4) and what -vv says about it. Verification follows the
// policy levels of Postfix and RFC 7672 §3: opportunistic and required encrypt without checking
// the certificate (an MX found by unsigned DNS cannot be authenticated by name anyway); verify
// checks the chain against the trust anchors and the MX host name (SSL_set1_host, RFC 6125).
#include "tls_upgrade.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <string>

#include "bounded_wait.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::transport::detail {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;

class X509Category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "x509"; }
  std::string message(int code) const override {
    return std::string("certificate verification failed: ") +
           X509_verify_cert_error_string(static_cast<long>(code));
  }
};

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// RFC 6066 §3: SNI carries a host name, never an address literal.
bool configure(TlsStream& stream, const TlsUpgrade& upgrade) {
  SSL* ssl = stream.native_handle();
  const bool literal = is_ip_literal(upgrade.host) || upgrade.host.starts_with('[');
  if (!literal && SSL_set_tlsext_host_name(ssl, upgrade.host.c_str()) != 1) return false;
  if (upgrade.policy != smtp::TlsPolicy::verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return true;
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER, nullptr);
  // An address literal (user@[192.0.2.1]) is matched against the certificate's IP SANs.
  if (literal) {
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), upgrade.host.c_str()) == 1;
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set1_host(ssl, upgrade.host.c_str()) == 1;
}

std::string peer_subject(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "no certificate";
  char buffer[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buffer, sizeof buffer);
  X509_free(cert);
  return buffer;
}

// -vv: "TLSv1.3 TLS_AES_256_GCM_SHA384, peer /CN=mx.example.net, certificate ok (verified)".
// Below verify no trust anchors are loaded (tls_client.hpp), so there is no chain result to show.
std::string describe(SSL* ssl, smtp::TlsPolicy policy) {
  std::string text = std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl) +
                     ", peer " + peer_subject(ssl) + ", certificate ";
  if (policy != smtp::TlsPolicy::verify) {
    return text + "(not checked: --tls " + std::string(to_string(policy)) + ")";
  }
  const long verified = SSL_get_verify_result(ssl);
  return text + (verified == X509_V_OK ? "ok" : X509_verify_cert_error_string(verified)) +
         " (verified)";
}

void note(const TlsUpgrade& upgrade, const std::string& text, int level) {
  if (upgrade.transcript != nullptr) {
    upgrade.transcript->line(upgrade.host, TranscriptKind::info, text, level);
  }
}

// A verification failure says why (expired, wrong host); anything else is OpenSSL's text.
std::error_code handshake_error(const boost::system::error_code& ec, SSL* ssl,
                                const TlsUpgrade& upgrade) {
  const long verified = SSL_get_verify_result(ssl);
  if (upgrade.policy == smtp::TlsPolicy::verify && verified != X509_V_OK) {
    return {static_cast<int>(verified), x509_category()};
  }
  return ec;
}

}  // namespace

const std::error_category& x509_category() noexcept {
  static const X509Category category;
  return category;
}

asio::awaitable<std::unique_ptr<TlsStream>> start_tls(asio::ip::tcp::socket& socket,
                                                      smtp::Session& session,
                                                      const Timeouts& timeouts,
                                                      const TlsUpgrade& upgrade) {
  std::error_code error;
  std::string problem;
  ssl::context* context =
      upgrade.client != nullptr
          ? upgrade.client->context(error, problem, upgrade.policy == smtp::TlsPolicy::verify)
          : nullptr;
  if (context == nullptr) {
    note(upgrade, problem.empty() ? "TLS is not available" : problem, 1);
    session.on_tls_failed(error ? error : make_error_code(Errc::tls_unavailable));
    co_return nullptr;
  }
  auto stream = std::make_unique<TlsStream>(socket, *context);
  if (!configure(*stream, upgrade)) {
    session.on_tls_failed(make_error_code(Errc::tls_unavailable));
    co_return nullptr;
  }
  note(upgrade, "starting TLS", 2);
  const auto limit = timeouts.stages.for_stage(smtp::Stage::tls_handshake);
  auto shaken =
      co_await within(stream->async_handshake(ssl::stream_base::client, use_tuple), limit);
  if (!shaken) {
    session.on_tls_failed(make_error_code(Errc::stage_timeout));
    co_return nullptr;
  }
  if (auto [ec] = *shaken; ec) {
    const std::error_code reason = handshake_error(ec, stream->native_handle(), upgrade);
    note(upgrade, "TLS handshake failed: " + reason.message(), 2);
    session.on_tls_failed(reason);
    co_return nullptr;
  }
  const std::string description = describe(stream->native_handle(), upgrade.policy);
  note(upgrade, "TLS established: " + description, 2);
  session.on_tls_established(description);
  co_return stream;
}

}  // namespace smtpsend::transport::detail
