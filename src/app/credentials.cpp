// The AUTH secret is fetched here, once, just before delivery: never at parse time (so
// --dry-run runs no password command) and never stored beyond the AuthSettings the sessions
// share (SPEC.md "Authentication").
#include <memory>
#include <string>

#include "core_dumps.hpp"
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
  forbid_core_dumps();  // before the secret is in memory, not after
  cli::PasswordOutcome secret = obtain_secret(auth);
  if (secret.exit_code != ExitCode::ok) return Stop{secret.exit_code, std::move(secret.error)};
  if (!secret.secret) {
    return Stop{ExitCode::usage,
                "-u " + auth.user +
                    " needs a password: --password-file, --password-cmd, SMTPSEND_PASSWORD or "
                    "'password' in the configuration file"};
  }
  // RFC 4616 §2 (PLAIN) separates fields with NUL and every other mechanism sends text: such a
  // secret cannot be sent, which is known now, before any connection (66, like an empty one).
  if (secret.secret->reveal().find('\0') != std::string_view::npos) {
    return Stop{ExitCode::no_input,
                std::string(auth.oauth_token_cmd ? "the OAuth token" : "the password") +
                    " holds a NUL byte, which SMTP AUTH cannot send"};
  }
  static const transport::OpensslCrypto crypto;
  auto settings = std::make_shared<smtp::AuthSettings>();
  // Assigned in place: a temporary std::string moved along would leave the bytes of a short
  // password behind in its inline buffer, unwiped.
  settings->credentials.user = auth.user;
  settings->credentials.secret.assign(secret.secret->reveal());
  settings->preference = auth.preference;
  settings->allow_plaintext = auth.allow_plaintext;
  settings->crypto = &crypto;
  if (options.route.relay && settings->preference.oauth_token) {
    settings->credentials.oauth_host = options.route.relay->host;  // RFC 7628 §3.1 host and port
    settings->credentials.oauth_port = options.route.relay->port;
  }
  options.session.auth = std::move(settings);
  return std::nullopt;
}

}  // namespace smtpsend::app
