// make_sasl_client: one place maps a mechanism to its implementation.
#include "mechanisms.hpp"

namespace smtpsend::smtp {

namespace detail {

std::string sasl_name(std::string_view name) {
  std::string escaped;
  escaped.reserve(name.size());
  for (char c : name) {
    if (c == '=') {
      escaped += "=3D";
    } else if (c == ',') {
      escaped += "=2C";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

}  // namespace detail

std::unique_ptr<SaslClient> make_sasl_client(SaslMechanism mechanism, SaslCredentials credentials,
                                             const SaslCrypto& crypto) {
  switch (mechanism) {
    case SaslMechanism::plain:
      return detail::make_plain_client(std::move(credentials));
    case SaslMechanism::login:
      return detail::make_login_client(std::move(credentials));
    case SaslMechanism::cram_md5:
      return detail::make_cram_md5_client(std::move(credentials), crypto);
    case SaslMechanism::scram_sha_1:
    case SaslMechanism::scram_sha_256:
      return detail::make_scram_client(mechanism, std::move(credentials), crypto);
    case SaslMechanism::xoauth2:
    case SaslMechanism::oauthbearer:
      return detail::make_oauth_client(mechanism, std::move(credentials));
  }
  return detail::make_plain_client(std::move(credentials));
}

}  // namespace smtpsend::smtp
