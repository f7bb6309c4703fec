// The OpenSSL client context: built once, lazily, from --ca-file/--ca-path/--tls-cert/--tls-key;
// and check_pem_files, which reads the same files at start.
#include "smtpsend/transport/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <exception>
#include <memory>
#include <string_view>

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
  // Never a passphrase prompt on a terminal (check_pem_files refused encrypted keys already).
  SSL_CTX_set_default_passwd_cb(ctx, [](char*, int, int, void*) { return -1; });
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

using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

Bio open_pem(const std::string& path) {
  return Bio(BIO_new_file(path.c_str(), "r"), BIO_free);
}

// PEM readers report the end of the file as "no start line"; anything else is a real error.
bool only_end_of_file_left() {
  const unsigned long last = ERR_peek_last_error();
  const bool end = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (end) ERR_clear_error();
  return end;
}

// Every certificate of a PEM file, decoded as SSL_CTX_load_verify_locations and
// SSL_CTX_use_certificate_chain_file will; other blocks are skipped, as they skip them.
// The first certificate is returned (the client certificate of --tls-cert).
Certificate read_certificates(const std::string& path, std::string& reason) {
  Certificate first(nullptr, X509_free);
  Bio bio = open_pem(path);
  if (!bio) {
    reason = openssl_reason();
    return first;
  }
  while (X509* next = PEM_read_bio_X509_AUX(bio.get(), nullptr, nullptr, nullptr)) {
    if (first) {
      X509_free(next);
    } else {
      first.reset(next);
    }
  }
  if (!only_end_of_file_left()) {
    reason = openssl_reason();
    first.reset();
  } else if (!first) {
    reason = "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)";
  }
  return first;
}

// A run may be unattended (cron): an encrypted key must fail here rather than make OpenSSL ask
// for its passphrase on a terminal.
int refuse_passphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}

// OpenSSL 3's key decoder calls a file without a key "unsupported"; the block labels say it
// better ("PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ...).
bool holds_key_block(const std::string& path) {
  Bio bio = open_pem(path);
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long length = 0;
  bool found = false;
  while (!found && bio && PEM_read_bio(bio.get(), &name, &header, &data, &length) == 1) {
    found = std::string_view(name).ends_with("PRIVATE KEY");
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_clear_free(data, static_cast<std::size_t>(length));
  }
  ERR_clear_error();
  return found;
}

Key read_private_key(const std::string& path, std::string& reason) {
  Key key(nullptr, EVP_PKEY_free);
  Bio bio = open_pem(path);
  bool asked = false;
  if (bio) key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, &asked));
  if (key) return key;
  reason = openssl_reason();
  if (asked) {
    reason =
        "the key is encrypted, and smtpsend asks for no passphrase (store it decrypted, "
        "readable by its owner only)";
  } else if (!holds_key_block(path)) {
    reason = "it holds no PEM private key (-----BEGIN PRIVATE KEY-----)";
  } else {
    reason = "its private key cannot be decoded (" + reason + ")";
  }
  return key;
}

std::error_code cannot_load(std::string_view option, const std::string& path,
                            const std::string& reason, std::string& problem) {
  problem = "cannot load " + std::string(option) + " " + path + ": " + reason;
  return make_error_code(Errc::input_unreadable);
}

std::error_code check_client_certificate(const TlsSettings& settings, std::string& problem) {
  std::string reason;
  const Certificate certificate = read_certificates(settings.cert_file, reason);
  if (!certificate) return cannot_load("--tls-cert", settings.cert_file, reason, problem);
  const bool own_file = !settings.key_file.empty();
  const std::string& key_path = own_file ? settings.key_file : settings.cert_file;
  const Key key = read_private_key(key_path, reason);
  if (!key) {
    if (!own_file) reason += "; name the key with --tls-key";
    return cannot_load(own_file ? "--tls-key" : "--tls-cert", key_path, reason, problem);
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    ERR_clear_error();
    return cannot_load(own_file ? "--tls-key" : "--tls-cert", key_path,
                       "the key does not belong to the certificate in " + settings.cert_file,
                       problem);
  }
  return {};
}

}  // namespace

std::error_code check_pem_files(const TlsSettings& settings, std::string& problem) {
  if (!settings.ca_file.empty()) {
    std::string reason;
    if (!read_certificates(settings.ca_file, reason)) {
      return cannot_load("--ca-file", settings.ca_file, reason, problem);
    }
  }
  if (!settings.cert_file.empty()) return check_client_certificate(settings, problem);
  return {};
}

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
      if (load_client_certificate(ctx, settings_, problem_)) {
        context_ = std::move(context);
      } else {
        context_error_ = Errc::tls_client_certificate_unloadable;
      }
    } catch (const std::exception& e) {
      problem_ = std::string("cannot set up TLS: ") + e.what();
    }
  }
  if (context_ && verify && !trust_tried_) {
    trust_tried_ = true;
    trust_loaded_ = load_trust(context_->native_handle(), settings_, trust_problem_);
  }
  if (!context_ || (verify && !trust_loaded_)) {
    error = make_error_code(context_ ? Errc::tls_trust_anchors_unloadable : context_error_);
    problem = context_ ? trust_problem_ : problem_;
    return nullptr;
  }
  return context_.get();
}

}  // namespace smtpsend::transport
