// transport/tls_client: the OpenSSL client context and its settings (SPEC.md "TLS").
//
// Owns: trust anchors (the system store, or --ca-file/--ca-path), the client certificate
// (--tls-cert/--tls-key), TLS 1.2 as the floor. The context is built on first use only, and the
// trust anchors are loaded only for the first handshake that verifies (--tls verify): parsing the
// system bundle costs ~236 M instructions (issue 5, docs/performance.md), and opportunistic and
// required never look at it.
// Must not: decide whether TLS is used (the session's policy does). Errors:
// Errc::tls_trust_anchors_unloadable or Errc::tls_client_certificate_unloadable (tls_unavailable
// when OpenSSL itself fails) with one sentence naming the file that could not be loaded. Before
// anything is sent, check_pem_files reports the same files as Errc::input_unreadable (exit 66),
// so that a handshake rarely finds them unusable.
#pragma once

#include <memory>
#include <string>
#include <system_error>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/transport/settings.hpp"

namespace boost::asio::ssl {
class context;
}

namespace smtpsend::transport {

class TlsClient {
 public:
  explicit TlsClient(TlsSettings settings);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // The context, built on the first call; nullptr with `error` and `problem` set when it cannot
  // be built (the same answer on every later call). `verify`: the handshake will verify the
  // peer, so the trust anchors must be in the context; they are loaded on the first such call,
  // and a failure to load them fails this and every later verifying call.
  boost::asio::ssl::context* context(std::error_code& error, std::string& problem,
                                     bool verify = true);
  const TlsSettings& settings() const noexcept { return settings_; }

 private:
  TlsSettings settings_;
  std::unique_ptr<boost::asio::ssl::context> context_;
  bool tried_ = false;
  Errc context_error_ = Errc::tls_unavailable;  // why context_ could not be built
  std::string problem_;
  bool trust_tried_ = false;
  bool trust_loaded_ = false;
  std::string trust_problem_;
};

// Decodes every file the settings name as the context will (every certificate of --ca-file and
// --tls-cert, the private key, the key matching the certificate), so that a file OpenSSL cannot
// use is an input error at start, as msmtp's "cannot set X509 trust file" is, and not a TLS
// failure at the first server. --ca-path is not read: OpenSSL opens the hashed files in it one
// at a time while verifying, and a missing one is then a verification failure that says so.
// Returns Errc::input_unreadable with `problem` = "cannot load --ca-file F: <reason>"; the files
// must be readable (the caller checked that).
std::error_code check_pem_files(const TlsSettings& settings, std::string& problem);

}  // namespace smtpsend::transport
