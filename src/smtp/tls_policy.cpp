#include "smtpsend/smtp/tls_policy.hpp"

#include <array>
#include <utility>

namespace smtpsend::smtp {
namespace {

constexpr std::array<std::pair<TlsPolicy, std::string_view>, 4> kNames{{
    {TlsPolicy::none, "none"},
    {TlsPolicy::opportunistic, "opportunistic"},
    {TlsPolicy::required, "required"},
    {TlsPolicy::verify, "verify"},
}};

}  // namespace

std::string_view to_string(TlsPolicy policy) noexcept {
  for (const auto& [value, name] : kNames) {
    if (value == policy) return name;
  }
  return "none";
}

std::optional<TlsPolicy> tls_policy_from_string(std::string_view text) noexcept {
  for (const auto& [value, name] : kNames) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace smtpsend::smtp
