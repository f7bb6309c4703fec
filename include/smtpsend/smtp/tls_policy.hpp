// smtp/tls_policy: how much TLS a connection must have (SPEC.md "TLS"; RFC 3207, RFC 7672-style
// levels as Postfix names them: none, may, encrypt, verify).
//
// Shared by the session (which steps STARTTLS takes and what a refusal means), the transport
// (whether the peer certificate is verified) and the CLI (--tls). No I/O here.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace smtpsend::smtp {

enum class TlsPolicy {
  none,           // never STARTTLS
  opportunistic,  // STARTTLS when offered; a failed handshake is retried in clear (Postfix "may")
  required,       // TLS or no delivery; the certificate is not checked (Postfix "encrypt")
  verify,         // required + chain to a trust anchor + host name (Postfix "verify")
};

// The policies' names in the enum's order, as --tls, the `tls` configuration key and --dry-run
// spell them; the one place they are written (the CLI builds its help and errors from it).
inline constexpr std::array<std::string_view, 4> kTlsPolicyNames{"none", "opportunistic",
                                                                 "required", "verify"};
static_assert(static_cast<std::size_t>(TlsPolicy::verify) + 1 == kTlsPolicyNames.size(),
              "one name per TlsPolicy");

std::string_view to_string(TlsPolicy policy) noexcept;
std::optional<TlsPolicy> tls_policy_from_string(std::string_view text) noexcept;

// required and verify: a connection without TLS must not carry mail.
constexpr bool tls_mandatory(TlsPolicy policy) noexcept {
  return policy == TlsPolicy::required || policy == TlsPolicy::verify;
}

}  // namespace smtpsend::smtp
