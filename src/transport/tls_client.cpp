// The OpenSSL client context: built once, lazily, from --ca-file/--ca-path/--tls-cert/--tls-key.
#include "smtpsend/transport/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <exception>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::transport {
namespace {

namespace ssl = boost::asio::ssl;

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

// Trust anchors: explicit files replace the system store rather than add to it, so a test or a
// private CA pins exactly what the user named.
bool load_trust(SSL_CTX* ctx, const TlsSettings& settings, std::string& problem) {
  if (settings.ca_file.empty() && settings.ca_path.empty()) {
    if (SSL_CTX_set_default_verify_paths(ctx) == 1) return true;
    problem = "cannot load the system trust store: " + openssl_reason();
    return false;
  }
  const char* file = settings.ca_file.empty() ? nullptr : settings.ca_file.c_str();
  const char* path = settings.ca_path.empty() ? nullptr : settings.ca_path.c_str();
  if (SSL_CTX_load_verify_locations(ctx, file, path) == 1) return true;
  problem = "cannot load trust anchors from " +
            (file != nullptr ? settings.ca_file : settings.ca_path) + ": " + openssl_reason();
  return false;
}

bool load_client_certificate(SSL_CTX* ctx, const TlsSettings& settings, std::string& problem) {
  if (settings.cert_file.empty()) return true;
  const std::string& key = settings.key_file.empty() ? settings.cert_file : settings.key_file;
  if (SSL_CTX_use_certificate_chain_file(ctx, settings.cert_file.c_str()) != 1) {
    problem = "cannot load the client certificate " + settings.cert_file + ": " + openssl_reason();
    return false;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    problem = "cannot load the client key " + key + ": " + openssl_reason();
    return false;
  }
  return true;
}

}  // namespace

TlsClient::TlsClient(TlsSettings settings) : settings_(std::move(settings)) {}
TlsClient::~TlsClient() = default;

ssl::context* TlsClient::context(std::error_code& error, std::string& problem, bool verify) {
  if (!tried_) {
    tried_ = true;
    try {
      auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
      SSL_CTX* ctx = context->native_handle();
      // RFC 8996 retired TLS 1.0 and 1.1; RFC 8314 §4.1 asks for 1.2 or later.
      SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
      if (load_client_certificate(ctx, settings_, problem_)) context_ = std::move(context);
    } catch (const std::exception& e) {
      problem_ = std::string("cannot set up TLS: ") + e.what();
    }
  }
  if (context_ && verify && !trust_tried_) {
    trust_tried_ = true;
    trust_loaded_ = load_trust(context_->native_handle(), settings_, trust_problem_);
  }
  if (!context_ || (verify && !trust_loaded_)) {
    error = make_error_code(Errc::tls_unavailable);
    problem = context_ ? trust_problem_ : problem_;
    return nullptr;
  }
  return context_.get();
}

}  // namespace smtpsend::transport
