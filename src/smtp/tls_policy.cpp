#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::smtp {

std::string_view to_string(TlsPolicy policy) noexcept {
  const auto index = static_cast<std::size_t>(policy);
  return index < kTlsPolicyNames.size() ? kTlsPolicyNames[index] : kTlsPolicyNames[0];
}

std::optional<TlsPolicy> tls_policy_from_string(std::string_view text) noexcept {
  for (std::size_t index = 0; index < kTlsPolicyNames.size(); ++index) {
    if (kTlsPolicyNames[index] == text) return static_cast<TlsPolicy>(index);
  }
  return std::nullopt;
}

}  // namespace smtpsend::smtp
