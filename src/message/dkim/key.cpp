#include "smtpsend/message/dkim/key.hpp"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace smtpsend::message::dkim {

struct PrivateKey::Impl {
  EVP_PKEY* pkey = nullptr;
  KeyType type = KeyType::rsa;
  unsigned bits = 0;
  std::string public_key;
  ~Impl() { EVP_PKEY_free(pkey); }
};

namespace {

// Key files are small; a bigger file is not a key (and is not read whole).
constexpr std::size_t kMaxKeyFile = 64 * 1024;

std::string base64(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "unknown OpenSSL error";
}

bool public_key_text(EVP_PKEY* pkey, KeyType type, std::string& out) {
  if (type == KeyType::ed25519) {
    unsigned char raw[32];
    std::size_t size = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &size) != 1 || size != sizeof raw) return false;
    out = base64(raw, size);
    return true;
  }
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(pkey, &der);
  if (size <= 0) return false;
  out = base64(der, static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return true;
}

// Takes `pkey` over; null with `error` for a type or size SPEC.md does not allow.
std::shared_ptr<const PrivateKey> wrap(EVP_PKEY* pkey, std::string_view name, std::string& error) {
  auto impl = std::make_unique<PrivateKey::Impl>();
  impl->pkey = pkey;
  if (EVP_PKEY_is_a(pkey, "ED25519")) {
    impl->type = KeyType::ed25519;
  } else if (EVP_PKEY_is_a(pkey, "RSA")) {
    impl->type = KeyType::rsa;
  } else {
    error = std::string(name) + ": DKIM key is neither RSA nor Ed25519 (RFC 8463)";
    return nullptr;
  }
  impl->bits = static_cast<unsigned>(EVP_PKEY_get_bits(pkey));
  if (impl->type == KeyType::rsa && impl->bits < kMinRsaBits) {
    error = std::string(name) + ": DKIM RSA key has " + std::to_string(impl->bits) +
            " bits; at least " + std::to_string(kMinRsaBits) + " are needed";
    return nullptr;
  }
  if (!public_key_text(pkey, impl->type, impl->public_key)) {
    error = std::string(name) + ": cannot derive the DKIM public key: " + openssl_reason();
    return nullptr;
  }
  return std::make_shared<const PrivateKey>(std::move(impl));
}

// Reads the file through one descriptor, so the mode checked is that of the file read.
bool read_key_file(const std::string& path, std::string& text, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = path + ": cannot read DKIM key: " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0;
  if (!ok) {
    error = path + ": cannot read DKIM key: " + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    error = path + ": DKIM key is not a regular file";
    ok = false;
  } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    // As OpenSSH refuses a private key others can read: whoever reads it can sign as the domain.
    error = path + ": DKIM key file is accessible by group or others (chmod 600 it)";
    ok = false;
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxKeyFile) {
    error = path + ": not a PEM private key (file too large)";
    ok = false;
  }
  if (ok) {
    text.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    text.resize(done);
  }
  ::close(fd);
  return ok;
}

// A passphrase-protected key is refused rather than prompted for: smtpsend runs from cron.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

}  // namespace

PrivateKey::PrivateKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PrivateKey::~PrivateKey() = default;

KeyType PrivateKey::type() const noexcept {
  return impl_->type;
}
unsigned PrivateKey::bits() const noexcept {
  return impl_->bits;
}
const std::string& PrivateKey::public_key() const noexcept {
  return impl_->public_key;
}

std::string PrivateKey::pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  std::string out;
  if (bio &&
      PEM_write_bio_PKCS8PrivateKey(bio, impl_->pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size > 0) out.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(bio);
  return out;
}

bool PrivateKey::sign(std::string_view data, std::string& signature, std::string& error) const {
  std::string input(data);
  const EVP_MD* md = EVP_sha256();
  if (impl_->type == KeyType::ed25519) {
    // RFC 8463 §3: Ed25519 (PureEdDSA) signs the SHA-256 hash of the data, not the data.
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), hash, &size, md, nullptr) != 1) {
      error = "SHA-256 failed: " + openssl_reason();
      return false;
    }
    input.assign(reinterpret_cast<const char*>(hash), size);
    md = nullptr;  // Ed25519 takes no digest of its own
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t size = 0;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, md, nullptr, impl_->pkey) == 1 &&
            EVP_DigestSign(ctx, nullptr, &size,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    signature.resize(size);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    signature.resize(size);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) error = "DKIM signing failed: " + openssl_reason();
  return ok;
}

std::string_view algorithm_name(KeyType type) noexcept {
  return type == KeyType::ed25519 ? "ed25519-sha256" : "rsa-sha256";
}

std::string_view key_type_name(KeyType type) noexcept {
  return type == KeyType::ed25519 ? "ed25519" : "rsa";
}

std::shared_ptr<const PrivateKey> load_private_key(const std::string& path, std::string& error) {
  std::string text;
  if (!read_key_file(path, text, error)) return nullptr;
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr) : nullptr;
  BIO_free(bio);
  OPENSSL_cleanse(text.data(), text.size());
  if (!pkey) {
    ERR_clear_error();
    error = path + ": not a PEM private key (or one protected by a passphrase)";
    return nullptr;
  }
  std::shared_ptr<const PrivateKey> key = wrap(pkey, path, error);
  if (!key) return nullptr;
  return key;
}

std::shared_ptr<const PrivateKey> generate_private_key(KeyType type, std::string& error,
                                                       unsigned rsa_bits) {
  EVP_PKEY* pkey = type == KeyType::ed25519
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{rsa_bits});
  if (!pkey) {
    error = "cannot make a DKIM key: " + openssl_reason();
    return nullptr;
  }
  return wrap(pkey, "new key", error);
}

std::string key_record(const PrivateKey& key) {
  return "v=DKIM1; k=" + std::string(key_type_name(key.type())) + "; p=" + key.public_key();
}

namespace {
bool is_dns_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > 253) return false;
  std::size_t label = 0;
  char previous = '.';
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (c == '.') {
      if (previous == '.' || previous == '-') return false;
      label = 0;
    } else if (alnum || (c == '-' && previous != '.')) {
      if (++label > 63) return false;
    } else {
      return false;
    }
    previous = c;
  }
  return previous != '.' && previous != '-';
}
}  // namespace

bool is_valid_selector(std::string_view selector) noexcept {
  return is_dns_name(selector);
}
bool is_valid_signing_domain(std::string_view domain) noexcept {
  return is_dns_name(domain);
}

}  // namespace smtpsend::message::dkim
