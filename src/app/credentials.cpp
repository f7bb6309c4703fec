// The AUTH secret is fetched here, once, just before delivery: never at parse time (so
// --dry-run runs no password command) and never stored beyond the AuthSettings the sessions
// share (SPEC.md "Authentication").
#include <memory>
#include <string>

#include "smtpsend/cli/password_source.hpp"
#include "smtpsend/transport/openssl_crypto.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

cli::PasswordOutcome obtain_secret(const cli::AuthRequest& auth) {
  if (!auth.oauth_token_cmd) return cli::obtain_password(auth.passwords);
  return cli::run_password_command(*auth.oauth_token_cmd, "OAuth token");
}

}  // namespace

std::optional<Stop> prepare_auth(const cli::Request& request, delivery::DeliveryOptions& options) {
  if (!request.auth) return std::nullopt;
  const cli::AuthRequest& auth = *request.auth;
  cli::PasswordOutcome secret = obtain_secret(auth);
  if (secret.exit_code != ExitCode::ok) return Stop{secret.exit_code, std::move(secret.error)};
  if (!secret.secret) {
    return Stop{ExitCode::usage,
                "-u " + auth.user +
                    " needs a password: --password-file, --password-cmd, SMTPSEND_PASSWORD or "
                    "'password' in the configuration file"};
  }
  static const transport::OpensslCrypto crypto;
  auto settings = std::make_shared<smtp::AuthSettings>();
  settings->credentials = smtp::SaslCredentials(auth.user, std::string(secret.secret->reveal()));
  settings->preference = auth.preference;
  settings->allow_plaintext = auth.allow_plaintext;
  settings->crypto = &crypto;
  if (options.relay && settings->preference.oauth_token) {
    settings->credentials.oauth_host = options.relay->host;  // RFC 7628 §3.1 host and port
    settings->credentials.oauth_port = options.relay->port;
  }
  options.auth = std::move(settings);
  return std::nullopt;
}

}  // namespace smtpsend::app
