// The mechanism names (smtp/sasl.hpp kSaslMechanismNames) and the auto choice (SPEC.md).
#include <algorithm>
#include <array>
#include <cctype>

#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::smtp {
namespace {

// Strongest first: SCRAM proves the server too, CRAM-MD5 keeps the password off the wire,
// PLAIN and LOGIN send it (protected only by TLS).
constexpr std::array<SaslMechanism, 5> kPasswordOrder{
    SaslMechanism::scram_sha_256, SaslMechanism::scram_sha_1, SaslMechanism::cram_md5,
    SaslMechanism::plain, SaslMechanism::login};
constexpr std::array<SaslMechanism, 2> kTokenOrder{SaslMechanism::oauthbearer,
                                                   SaslMechanism::xoauth2};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::toupper(x) == std::toupper(y); });
}

bool offered(std::span<const std::string> server_mechanisms, SaslMechanism mechanism) {
  return std::ranges::any_of(server_mechanisms, [&](const std::string& name) {
    return equal_ignoring_case(name, to_string(mechanism));
  });
}

}  // namespace

std::string_view to_string(SaslMechanism mechanism) noexcept {
  const auto index = static_cast<std::size_t>(mechanism);
  return index < kSaslMechanismNames.size() ? kSaslMechanismNames[index] : "?";
}

std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name) noexcept {
  for (std::size_t index = 0; index < kSaslMechanismNames.size(); ++index) {
    if (equal_ignoring_case(kSaslMechanismNames[index], name)) {
      return static_cast<SaslMechanism>(index);
    }
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, SaslMechanism mechanism) {
  return os << to_string(mechanism);
}

bool uses_oauth_token(SaslMechanism mechanism) noexcept {
  return mechanism == SaslMechanism::xoauth2 || mechanism == SaslMechanism::oauthbearer;
}

std::optional<SaslMechanism> choose_mechanism(std::span<const std::string> server_mechanisms,
                                              const SaslPreference& preference) {
  if (preference.requested) {
    if (offered(server_mechanisms, *preference.requested)) return preference.requested;
    return std::nullopt;
  }
  const std::span<const SaslMechanism> order = preference.oauth_token
                                                   ? std::span<const SaslMechanism>(kTokenOrder)
                                                   : std::span<const SaslMechanism>(kPasswordOrder);
  for (SaslMechanism candidate : order) {
    if (offered(server_mechanisms, candidate)) return candidate;
  }
  return std::nullopt;
}

std::size_t digest_size(HashAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case HashAlgorithm::md5:
      return 16;
    case HashAlgorithm::sha1:
      return 20;
    case HashAlgorithm::sha256:
      return 32;
  }
  return 0;
}

}  // namespace smtpsend::smtp
