// FixedNonceCrypto: OpenSSL's SaslCrypto with the client nonce fixed, so the RFC examples'
// exchanges come out byte for byte (shared by the SASL vector and session AUTH tests).
#pragma once

#include <string>

#include "smtpsend/smtp/sasl.hpp"
#include "smtpsend/transport/openssl_crypto.hpp"

namespace smtpsend::transport {

// OpenSSL for everything but the client nonce, which the RFC examples fix.
class FixedNonceCrypto final : public smtp::SaslCrypto {
 public:
  explicit FixedNonceCrypto(std::string nonce) : nonce_(std::move(nonce)) {}
  std::string hmac(smtp::HashAlgorithm a, std::string_view k, std::string_view d) const override {
    return real_.hmac(a, k, d);
  }
  std::string hash(smtp::HashAlgorithm a, std::string_view d) const override {
    return real_.hash(a, d);
  }
  std::string pbkdf2(smtp::HashAlgorithm a, std::string_view p, std::string_view s,
                     std::uint32_t i) const override {
    return real_.pbkdf2(a, p, s, i);
  }
  // The client nonce is base64 of these bytes, so the RFC's nonce comes back out.
  std::string random_bytes(std::size_t) const override { return *real_.base64_decode(nonce_); }
  std::string base64_encode(std::string_view b) const override { return real_.base64_encode(b); }
  std::optional<std::string> base64_decode(std::string_view t) const override {
    return real_.base64_decode(t);
  }

 private:
  OpensslCrypto real_;
  std::string nonce_;
};

}  // namespace smtpsend::transport
