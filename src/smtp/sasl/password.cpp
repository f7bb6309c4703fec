// The password mechanisms without server proof: PLAIN (RFC 4616), LOGIN
// (draft-murchison-sasl-login) and CRAM-MD5 (RFC 2195).
#include "mechanisms.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::detail {
namespace {

std::error_code malformed() {
  return make_error_code(Errc::sasl_challenge_malformed);
}

class PlainClient final : public SaslClient {
 public:
  explicit PlainClient(SaslCredentials credentials) : credentials_(std::move(credentials)) {}
  SaslMechanism mechanism() const noexcept override { return SaslMechanism::plain; }

  SaslStep start() override {
    sent_ = true;
    return message();
  }
  // Only a session that did not send the initial response gets an (empty) challenge
  // (RFC 4954 §4); anything after the message is a protocol error.
  SaslStep step(std::string_view challenge) override {
    if (sent_ || !challenge.empty()) return SaslStep::fail(malformed());
    sent_ = true;
    return message();
  }
  std::error_code on_success() const override { return {}; }
  std::string_view server_error() const noexcept override { return {}; }

 private:
  // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; no field holds a NUL.
  SaslStep message() const {
    const auto has_nul = [](const std::string& s) { return s.find('\0') != std::string::npos; };
    if (has_nul(credentials_.authzid) || has_nul(credentials_.user) ||
        has_nul(credentials_.secret)) {
      return SaslStep::fail(make_error_code(Errc::usage));
    }
    std::string bytes = credentials_.authzid;
    bytes += '\0';
    bytes += credentials_.user;
    bytes += '\0';
    bytes += credentials_.secret;
    return SaslStep::send(std::move(bytes), true);
  }

  SaslCredentials credentials_;
  bool sent_ = false;
};

// LOGIN: the server prompts (conventionally "Username:" then "Password:"); the prompt text is
// not standardised, so only the order counts.
class LoginClient final : public SaslClient {
 public:
  explicit LoginClient(SaslCredentials credentials) : credentials_(std::move(credentials)) {}
  SaslMechanism mechanism() const noexcept override { return SaslMechanism::login; }
  SaslStep start() override { return SaslStep{}; }
  SaslStep step(std::string_view) override {
    switch (prompts_++) {
      case 0:
        return SaslStep::send(credentials_.user, false);
      case 1:
        return SaslStep::send(credentials_.secret, true);
      default:
        return SaslStep::fail(malformed());
    }
  }
  std::error_code on_success() const override { return {}; }
  std::string_view server_error() const noexcept override { return {}; }

 private:
  SaslCredentials credentials_;
  int prompts_ = 0;
};

std::string lower_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

class CramMd5Client final : public SaslClient {
 public:
  CramMd5Client(SaslCredentials credentials, const SaslCrypto& crypto)
      : credentials_(std::move(credentials)), crypto_(crypto) {}
  SaslMechanism mechanism() const noexcept override { return SaslMechanism::cram_md5; }
  SaslStep start() override { return SaslStep{}; }

  // RFC 2195 §2: the response is the user, a space, and HMAC-MD5(password, challenge) in
  // lower-case hex. The digest allows an offline guess of the password: it is a secret.
  SaslStep step(std::string_view challenge) override {
    if (answered_ || challenge.empty()) return SaslStep::fail(malformed());
    answered_ = true;
    std::string digest = crypto_.hmac(HashAlgorithm::md5, credentials_.secret, challenge);
    if (digest.size() != digest_size(HashAlgorithm::md5)) {
      return SaslStep::fail(make_error_code(Errc::internal));
    }
    SaslStep result = SaslStep::send(credentials_.user + " " + lower_hex(digest), true);
    wipe(digest);
    return result;
  }
  std::error_code on_success() const override { return {}; }
  std::string_view server_error() const noexcept override { return {}; }

 private:
  SaslCredentials credentials_;
  const SaslCrypto& crypto_;
  bool answered_ = false;
};

}  // namespace

std::unique_ptr<SaslClient> make_plain_client(SaslCredentials credentials) {
  return std::make_unique<PlainClient>(std::move(credentials));
}

std::unique_ptr<SaslClient> make_login_client(SaslCredentials credentials) {
  return std::make_unique<LoginClient>(std::move(credentials));
}

std::unique_ptr<SaslClient> make_cram_md5_client(SaslCredentials credentials,
                                                 const SaslCrypto& crypto) {
  return std::make_unique<CramMd5Client>(std::move(credentials), crypto);
}

}  // namespace smtpsend::smtp::detail
