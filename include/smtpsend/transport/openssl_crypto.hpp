// transport/openssl_crypto: smtp::SaslCrypto implemented with OpenSSL 3 (EVP only).
//
// Owns: HMAC (EVP_Q_mac), digests (EVP_Digest), PBKDF2 (PKCS5_PBKDF2_HMAC), random bytes
// (RAND_bytes) and base64 (EVP_EncodeBlock / EVP_DecodeBlock) for the SASL mechanisms, which
// live in the sans-io smtp module and cannot link OpenSSL themselves. Must not: know SASL.
// Errors: a failed OpenSSL call yields an empty string (the contract of SaslCrypto); invalid
// base64 yields nullopt.
#pragma once

#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::transport {

class OpensslCrypto final : public smtp::SaslCrypto {
 public:
  std::string hmac(smtp::HashAlgorithm algorithm, std::string_view key,
                   std::string_view data) const override;
  std::string hash(smtp::HashAlgorithm algorithm, std::string_view data) const override;
  std::string pbkdf2(smtp::HashAlgorithm algorithm, std::string_view password,
                     std::string_view salt, std::uint32_t iterations) const override;
  std::string random_bytes(std::size_t count) const override;
  std::string base64_encode(std::string_view bytes) const override;
  std::optional<std::string> base64_decode(std::string_view text) const override;
};

}  // namespace smtpsend::transport
