// smtp::SaslCrypto over OpenSSL 3: no hand-rolled cryptography or base64.
#include "smtpsend/transport/openssl_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

namespace smtpsend::transport {
namespace {

const EVP_MD* digest_for(smtp::HashAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case smtp::HashAlgorithm::md5:
      return EVP_md5();
    case smtp::HashAlgorithm::sha1:
      return EVP_sha1();
    case smtp::HashAlgorithm::sha256:
      return EVP_sha256();
  }
  return nullptr;
}

const char* digest_name(smtp::HashAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case smtp::HashAlgorithm::md5:
      return "MD5";
    case smtp::HashAlgorithm::sha1:
      return "SHA1";
    case smtp::HashAlgorithm::sha256:
      return "SHA256";
  }
  return "";
}

bool fits_int(std::size_t size) noexcept {
  return size <= static_cast<std::size_t>(INT_MAX);
}

const unsigned char* bytes_of(std::string_view text) noexcept {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes_of(std::string& text) noexcept {
  return reinterpret_cast<unsigned char*>(text.data());
}

bool base64_character(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// RFC 4648 §4 canonical form. EVP_DecodeBlock itself skips surrounding whitespace and does not
// report padding, so the shape is checked here first.
std::size_t padding_if_canonical(std::string_view text, bool& canonical) noexcept {
  canonical = false;
  if (text.size() % 4 != 0) return 0;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  const std::string_view body = text.substr(0, text.size() - padding);
  canonical = std::ranges::all_of(body, base64_character);
  return padding;
}

}  // namespace

std::string OpensslCrypto::hmac(smtp::HashAlgorithm algorithm, std::string_view key,
                                std::string_view data) const {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name(algorithm), nullptr, key.data(), key.size(),
                bytes_of(data), data.size(), bytes_of(out), out.size(), &length) == nullptr) {
    smtp::wipe(out);
    return {};
  }
  out.resize(length);
  return out;
}

std::string OpensslCrypto::hash(smtp::HashAlgorithm algorithm, std::string_view data) const {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), bytes_of(out), &length, digest_for(algorithm),
                 nullptr) != 1) {
    smtp::wipe(out);
    return {};
  }
  out.resize(length);
  return out;
}

std::string OpensslCrypto::pbkdf2(smtp::HashAlgorithm algorithm, std::string_view password,
                                  std::string_view salt, std::uint32_t iterations) const {
  if (!fits_int(password.size()) || !fits_int(salt.size()) || iterations == 0 ||
      iterations > static_cast<std::uint32_t>(INT_MAX)) {
    return {};
  }
  std::string out(smtp::digest_size(algorithm), '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes_of(salt),
                        static_cast<int>(salt.size()), static_cast<int>(iterations),
                        digest_for(algorithm), static_cast<int>(out.size()), bytes_of(out)) != 1) {
    smtp::wipe(out);
    return {};
  }
  return out;
}

std::string OpensslCrypto::random_bytes(std::size_t count) const {
  if (!fits_int(count)) return {};
  std::string out(count, '\0');
  if (RAND_bytes(bytes_of(out), static_cast<int>(count)) != 1) return {};
  return out;
}

std::string OpensslCrypto::base64_encode(std::string_view bytes) const {
  if (bytes.empty() || !fits_int(bytes.size() / 3 * 4 + 4)) return {};
  // EVP_EncodeBlock writes 4 characters per 3 bytes (padded) and a terminating NUL.
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  const int length =
      EVP_EncodeBlock(bytes_of(out), bytes_of(bytes), static_cast<int>(bytes.size()));
  out.resize(length < 0 ? 0 : static_cast<std::size_t>(length));
  return out;
}

std::optional<std::string> OpensslCrypto::base64_decode(std::string_view text) const {
  if (text.empty()) return std::string();
  bool canonical = false;
  const std::size_t padding = padding_if_canonical(text, canonical);
  if (!canonical || !fits_int(text.size())) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(bytes_of(out), bytes_of(text), static_cast<int>(text.size()));
  // EVP_DecodeBlock counts the zero bytes that padding stands for; drop them.
  if (length < 0 || static_cast<std::size_t>(length) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  return out;
}

}  // namespace smtpsend::transport
