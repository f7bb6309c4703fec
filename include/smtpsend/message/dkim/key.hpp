// message/dkim/key: a DKIM private key (RFC 6376 §3.3, RFC 8463) on OpenSSL 3 EVP, loaded
// from a PEM file or made by `smtpsend dkim keygen`.
//
// Owns: the rules a key file must meet before anything is sent (SPEC.md "DKIM signing": not
// readable by group or others, PEM, RSA of at least 2048 bits or Ed25519); the public key in
// the form DNS publishes (`p=`, RFC 6376 §3.6.1; RFC 8463 §4); signing the canonical header
// data. Must not: know about messages or options. Errors: one sentence naming the file
// (the CLI's 78, EX_CONFIG).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace smtpsend::message::dkim {

enum class KeyType : std::uint8_t { rsa, ed25519 };

// RFC 6376 §7.6 / RFC 8463 §3: "rsa-sha256", "ed25519-sha256" (the tag a=).
std::string_view algorithm_name(KeyType type) noexcept;
// The key record's k= (RFC 6376 §3.6.1): "rsa", "ed25519".
std::string_view key_type_name(KeyType type) noexcept;

// RFC 8301 §3.2: verifiers must refuse RSA keys under 1024 bits; SPEC.md asks for 2048 as
// the large providers do (Gmail refuses signatures of shorter keys as weak).
inline constexpr unsigned kMinRsaBits = 2048;

class PrivateKey {
 public:
  struct Impl;
  explicit PrivateKey(std::unique_ptr<Impl> impl);
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  KeyType type() const noexcept;
  unsigned bits() const noexcept;
  // The value of the key record's p=: RSA, the base64 of the DER SubjectPublicKeyInfo (RFC
  // 6376 §3.6.1); Ed25519, the base64 of the raw 32-byte public key (RFC 8463 §4).
  const std::string& public_key() const noexcept;
  // The private key as PKCS#8 PEM (what keygen writes).
  std::string pem() const;
  // The signature of `data`, the canonical header data (RFC 6376 §3.7): RSA, RSASSA-PKCS1-v1_5
  // over SHA-256; Ed25519, PureEdDSA over the SHA-256 hash of the data (RFC 8463 §3). Raw bytes.
  bool sign(std::string_view data, std::string& signature, std::string& error) const;

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads a PEM private key file. Errors (one sentence naming `path`): unreadable; readable by
// group or others; not a PEM private key (or one protected by a passphrase); a key that is
// neither RSA nor Ed25519; RSA under kMinRsaBits.
std::shared_ptr<const PrivateKey> load_private_key(const std::string& path, std::string& error);

// A fresh key: RSA of `rsa_bits` or Ed25519.
std::shared_ptr<const PrivateKey> generate_private_key(KeyType type, std::string& error,
                                                       unsigned rsa_bits = kMinRsaBits);

// The TXT record's text for SELECTOR._domainkey.DOMAIN: "v=DKIM1; k=rsa; p=...".
std::string key_record(const PrivateKey& key);

// `--dkim SELECTOR:KEYFILE` once loaded: the selector (s=) and its key.
struct SigningKey {
  std::string selector;
  std::shared_ptr<const PrivateKey> key;
};

// RFC 6376 §3.1: a selector is a sub-domain (dot-separated labels of letters, digits and
// inner hyphens, RFC 5321 §4.1.2).
bool is_valid_selector(std::string_view selector) noexcept;
// RFC 6376 §3.5 d=: a domain name (the same label rule; A-labels).
bool is_valid_signing_domain(std::string_view domain) noexcept;

}  // namespace smtpsend::message::dkim
