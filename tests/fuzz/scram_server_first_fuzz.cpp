// libFuzzer target: the SCRAM client fed hostile server messages (RFC 5802 §7 grammar) must
// never crash, never answer after an error, and never report success without a verified
// server signature. The input is the server-first message, then optionally a NUL byte and the
// server-final message. Crypto is a deterministic stand-in so the target links the sans-io
// smtp module only (tests/fuzz/CMakeLists.txt links no OpenSSL).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtpsend/smtp/sasl.hpp"

namespace {

using smtpsend::smtp::HashAlgorithm;

class FakeCrypto final : public smtpsend::smtp::SaslCrypto {
 public:
  std::string hmac(HashAlgorithm algorithm, std::string_view key,
                   std::string_view data) const override {
    return pattern(algorithm, std::string(key) + "|" + std::string(data));
  }
  std::string hash(HashAlgorithm algorithm, std::string_view data) const override {
    return pattern(algorithm, data);
  }
  std::string pbkdf2(HashAlgorithm algorithm, std::string_view password, std::string_view salt,
                     std::uint32_t iterations) const override {
    return pattern(algorithm,
                   std::string(password) + std::string(salt) + std::to_string(iterations));
  }
  std::string random_bytes(std::size_t count) const override { return std::string(count, 'n'); }
  std::string base64_encode(std::string_view bytes) const override { return std::string(bytes); }
  // Accepts the base64 alphabet in groups of four, as the real decoder's shape check does.
  std::optional<std::string> base64_decode(std::string_view text) const override {
    if (text.size() % 4 != 0 ||
        text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                               "=") != std::string_view::npos) {
      return std::nullopt;
    }
    return std::string(text);
  }

 private:
  static std::string pattern(HashAlgorithm algorithm, std::string_view input) {
    std::string out(smtpsend::smtp::digest_size(algorithm), 'A');
    for (std::size_t i = 0; i < input.size(); ++i) out[i % out.size()] ^= input[i];
    return out;
  }
};

void check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smtpsend::smtp;
  static const FakeCrypto crypto;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string_view server_first = input.substr(0, nul);
  const std::string_view server_final =
      nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  for (SaslMechanism mechanism : {SaslMechanism::scram_sha_1, SaslMechanism::scram_sha_256}) {
    auto scram = make_sasl_client(mechanism, SaslCredentials("user", "pencil"), crypto);
    check(!scram->start().error);
    const SaslStep final_message = scram->step(server_first);
    check(final_message.error ? !final_message.response : final_message.response.has_value());
    if (final_message.error) {
      check(static_cast<bool>(scram->on_success()));
      continue;
    }
    check(final_message.secret);
    check(static_cast<bool>(scram->on_success()));  // nothing verified yet
    const SaslStep last = scram->step(server_final);
    if (last.error) {
      check(!last.response && static_cast<bool>(scram->on_success()));
    } else {
      check(last.response == std::string() && !scram->on_success());
    }
  }
  return 0;
}
