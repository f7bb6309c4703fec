// SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), without channel binding ("n,,").
#include <algorithm>
#include <charconv>
#include <vector>

#include "mechanisms.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp::detail {
namespace {

// Bounds on what the server sends (DESIGN.md rule 4). PBKDF2 cost grows with the iteration
// count, so a hostile server could make us spin: RFC 7677 §4 suggests 4096 and above; real
// servers use up to a few hundred thousand.
constexpr std::size_t kMaxScramMessageLength = 4096;
constexpr std::uint32_t kMaxScramIterations = 1'000'000;
constexpr std::size_t kClientNonceBytes = 18;  // 24 base64 characters, 144 random bits

std::error_code malformed() {
  return make_error_code(Errc::sasl_challenge_malformed);
}

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma).
bool printable(std::string_view text) {
  return std::ranges::all_of(text,
                             [](unsigned char c) { return c >= 0x21 && c <= 0x7e && c != ','; });
}

std::vector<std::string_view> split_attributes(std::string_view message) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t comma = message.find(',');
    parts.push_back(message.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    message.remove_prefix(comma + 1);
  }
}

// "x=value" -> value, or nullopt when the attribute is not `name`.
std::optional<std::string_view> attribute(std::string_view part, char name) {
  if (part.size() < 2 || part[0] != name || part[1] != '=') return std::nullopt;
  return part.substr(2);
}

std::optional<std::uint32_t> parse_iterations(std::string_view digits) {
  if (digits.empty() || digits.size() > 7 ||
      !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint32_t value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (value < 1 || value > kMaxScramIterations) return std::nullopt;
  return value;
}

struct ServerFirst {
  std::string nonce;
  std::string salt;
  std::uint32_t iterations = 0;
};

// RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count
// ["," extensions]. A mandatory extension ("m=") is unsupported: the client must fail (§5.1).
std::optional<ServerFirst> parse_server_first(std::string_view message,
                                              std::string_view client_nonce,
                                              const SaslCrypto& crypto) {
  if (message.size() > kMaxScramMessageLength) return std::nullopt;
  const std::vector<std::string_view> parts = split_attributes(message);
  if (parts.size() < 3) return std::nullopt;
  const auto nonce = attribute(parts[0], 'r');
  const auto salt = attribute(parts[1], 's');
  const auto iterations = attribute(parts[2], 'i');
  if (!nonce || !salt || !iterations) return std::nullopt;
  // §5.1: the server's nonce starts with ours and appends its own.
  if (!printable(*nonce) || !nonce->starts_with(client_nonce) ||
      nonce->size() <= client_nonce.size()) {
    return std::nullopt;
  }
  ServerFirst parsed;
  parsed.nonce = std::string(*nonce);
  auto decoded_salt = crypto.base64_decode(*salt);
  if (!decoded_salt || decoded_salt->empty()) return std::nullopt;
  parsed.salt = std::move(*decoded_salt);
  const auto count = parse_iterations(*iterations);
  if (!count) return std::nullopt;
  parsed.iterations = *count;
  return parsed;
}

std::string exclusive_or(std::string_view a, std::string_view b) {
  std::string out(a.size(), '\0');
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<char>(a[i] ^ b[i]);
  return out;
}

// Compares without an early exit, so timing does not reveal how much of a signature matched.
bool same_bytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

// The keys of RFC 5802 §3, wiped when done.
struct ScramKeys {
  std::string salted_password, client_key, stored_key, server_key;
  ~ScramKeys() {
    wipe(salted_password);
    wipe(client_key);
    wipe(stored_key);
    wipe(server_key);
  }
};

class ScramClient final : public SaslClient {
 public:
  ScramClient(SaslMechanism mechanism, SaslCredentials credentials, const SaslCrypto& crypto)
      : mechanism_(mechanism),
        algorithm_(mechanism == SaslMechanism::scram_sha_1 ? HashAlgorithm::sha1
                                                           : HashAlgorithm::sha256),
        credentials_(std::move(credentials)),
        crypto_(crypto) {}
  ~ScramClient() override { wipe(expected_server_signature_); }
  SaslMechanism mechanism() const noexcept override { return mechanism_; }

  // RFC 5802 §7: client-first-message = gs2-header client-first-message-bare, with
  // gs2-header "n," [ "a=" saslname ] "," (this client never uses channel binding).
  SaslStep start() override {
    if (state_ != State::initial) return SaslStep::fail(malformed());
    const std::string random = crypto_.random_bytes(kClientNonceBytes);
    // The provider returns `count` bytes or nothing (SaslCrypto's contract).
    if (random.empty()) return fail(Errc::internal);
    client_nonce_ = crypto_.base64_encode(random);
    gs2_header_ = "n,";
    if (!credentials_.authzid.empty()) gs2_header_ += "a=" + sasl_name(credentials_.authzid);
    gs2_header_ += ",";
    client_first_bare_ = "n=" + sasl_name(credentials_.user) + ",r=" + client_nonce_;
    state_ = State::sent_client_first;
    return SaslStep::send(gs2_header_ + client_first_bare_, false);
  }

  SaslStep step(std::string_view challenge) override {
    switch (state_) {
      case State::sent_client_first:
        return on_server_first(challenge);
      case State::sent_client_final:
        return on_server_final(challenge);
      default:
        return fail(Errc::sasl_challenge_malformed);
    }
  }

  // The server proved it knows the password only by a matching "v=" (RFC 5802 §9): a 235
  // without it is not trusted.
  std::error_code on_success() const override {
    return state_ == State::verified ? std::error_code{} : make_error_code(Errc::auth_failed);
  }
  std::string_view server_error() const noexcept override { return server_error_; }

 private:
  enum class State { initial, sent_client_first, sent_client_final, verified, failed };

  SaslStep fail(Errc error) {
    state_ = State::failed;
    return SaslStep::fail(make_error_code(error));
  }

  SaslStep on_server_first(std::string_view message) {
    const auto server_first = parse_server_first(message, client_nonce_, crypto_);
    if (!server_first) return fail(Errc::sasl_challenge_malformed);
    ScramKeys keys;
    if (!derive_keys(*server_first, keys)) return fail(Errc::internal);
    // RFC 5802 §3: AuthMessage = client-first-bare "," server-first "," client-final-without-proof.
    const std::string without_proof =
        "c=" + crypto_.base64_encode(gs2_header_) + ",r=" + server_first->nonce;
    const std::string auth_message =
        client_first_bare_ + "," + std::string(message) + "," + without_proof;
    std::string client_signature = crypto_.hmac(algorithm_, keys.stored_key, auth_message);
    expected_server_signature_ = crypto_.hmac(algorithm_, keys.server_key, auth_message);
    const std::size_t size = digest_size(algorithm_);
    if (client_signature.size() != size || expected_server_signature_.size() != size) {
      wipe(client_signature);
      return fail(Errc::internal);
    }
    std::string proof = exclusive_or(keys.client_key, client_signature);
    wipe(client_signature);
    std::string client_final = without_proof + ",p=" + crypto_.base64_encode(proof);
    wipe(proof);
    state_ = State::sent_client_final;
    // The proof lets an eavesdropper check password guesses offline: never print it.
    return SaslStep::send(std::move(client_final), true);
  }

  bool derive_keys(const ServerFirst& server_first, ScramKeys& keys) const {
    const std::size_t size = digest_size(algorithm_);
    keys.salted_password =
        crypto_.pbkdf2(algorithm_, credentials_.secret, server_first.salt, server_first.iterations);
    if (keys.salted_password.size() != size) return false;
    keys.client_key = crypto_.hmac(algorithm_, keys.salted_password, "Client Key");
    keys.server_key = crypto_.hmac(algorithm_, keys.salted_password, "Server Key");
    if (keys.client_key.size() != size || keys.server_key.size() != size) return false;
    keys.stored_key = crypto_.hash(algorithm_, keys.client_key);
    return keys.stored_key.size() == size;
  }

  // RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions].
  SaslStep on_server_final(std::string_view message) {
    if (message.size() > kMaxScramMessageLength) return fail(Errc::sasl_challenge_malformed);
    const std::string_view first = message.substr(0, message.find(','));
    if (const auto error = attribute(first, 'e')) {
      server_error_ = std::string(*error);
      return fail(Errc::auth_failed);
    }
    const auto verifier = attribute(first, 'v');
    if (!verifier) return fail(Errc::sasl_challenge_malformed);
    const auto signature = crypto_.base64_decode(*verifier);
    if (!signature) return fail(Errc::sasl_challenge_malformed);
    if (!same_bytes(*signature, expected_server_signature_)) return fail(Errc::auth_failed);
    state_ = State::verified;
    // RFC 4954 §4: the server sent its success data in a 334; the client answers empty.
    return SaslStep::send(std::string(), false);
  }

  SaslMechanism mechanism_;
  HashAlgorithm algorithm_;
  SaslCredentials credentials_;
  const SaslCrypto& crypto_;
  State state_ = State::initial;
  std::string client_nonce_;
  std::string gs2_header_;
  std::string client_first_bare_;
  std::string expected_server_signature_;
  std::string server_error_;
};

}  // namespace

std::unique_ptr<SaslClient> make_scram_client(SaslMechanism mechanism, SaslCredentials credentials,
                                              const SaslCrypto& crypto) {
  return std::make_unique<ScramClient>(mechanism, std::move(credentials), crypto);
}

}  // namespace smtpsend::smtp::detail
