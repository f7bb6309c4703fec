// The mechanism names (RFC 4954 §3, IANA "SASL Mechanisms") and the auto choice (SPEC.md).
#include <algorithm>
#include <array>
#include <cctype>

#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::smtp {
namespace {

struct MechanismName {
  SaslMechanism mechanism;
  std::string_view name;
};

constexpr std::array<MechanismName, 7> kNames{{
    {SaslMechanism::plain, "PLAIN"},
    {SaslMechanism::login, "LOGIN"},
    {SaslMechanism::cram_md5, "CRAM-MD5"},
    {SaslMechanism::scram_sha_1, "SCRAM-SHA-1"},
    {SaslMechanism::scram_sha_256, "SCRAM-SHA-256"},
    {SaslMechanism::xoauth2, "XOAUTH2"},
    {SaslMechanism::oauthbearer, "OAUTHBEARER"},
}};

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
  for (const MechanismName& entry : kNames) {
    if (entry.mechanism == mechanism) return entry.name;
  }
  return "?";
}

std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name) noexcept {
  for (const MechanismName& entry : kNames) {
    if (equal_ignoring_case(entry.name, name)) return entry.mechanism;
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
