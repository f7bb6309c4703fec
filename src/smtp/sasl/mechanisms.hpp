// Internal to smtp/: one factory per mechanism family, each in its own file.
#pragma once

#include <memory>

#include "smtpsend/smtp/sasl.hpp"

namespace smtpsend::smtp::detail {

std::unique_ptr<SaslClient> make_plain_client(SaslCredentials credentials);
std::unique_ptr<SaslClient> make_login_client(SaslCredentials credentials);
std::unique_ptr<SaslClient> make_cram_md5_client(SaslCredentials credentials,
                                                 const SaslCrypto& crypto);
std::unique_ptr<SaslClient> make_scram_client(SaslMechanism mechanism, SaslCredentials credentials,
                                              const SaslCrypto& crypto);
std::unique_ptr<SaslClient> make_oauth_client(SaslMechanism mechanism, SaslCredentials credentials);

// RFC 5802 §5.1 saslname: "=" becomes "=3D" and "," becomes "=2C" (also used by the GS2
// header of OAUTHBEARER, RFC 7628 §3.1).
std::string sasl_name(std::string_view name);

}  // namespace smtpsend::smtp::detail
