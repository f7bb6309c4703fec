#include "relay_options.hpp"

#include <fmt/format.h>

#include "option_table.hpp"
#include "smtpsend/cli/relay_target.hpp"

namespace smtpsend::cli {
namespace {

// Where an error sentence goes: 64 for what the command line said, 78 with "FILE:LINE:" for
// what only the configuration file said (SPEC.md "Configuration").
class Refusal {
 public:
  Refusal(const FileSettings& file, std::string& error, ExitCode& code)
      : file_(file), error_(error), code_(code) {}
  bool usage(std::string sentence) {
    error_ = std::move(sentence);
    code_ = ExitCode::usage;
    return false;
  }
  bool in_file(Option key, std::string_view sentence) {
    error_ = fmt::format("{}:{}: '{}' {}", file_.path, file().line(key),
                         config_key(option_spec(key)), sentence);
    code_ = ExitCode::config;
    return false;
  }
  const ConfigSettings& file() const { return file_.settings; }

 private:
  const FileSettings& file_;
  std::string& error_;
  ExitCode& code_;
};

// The options' values are in request.relay_auth already (their rows' conversions, the command
// line over the file); what is decided here is what they mean together.
bool apply_relay(const RawOptions& raw, Refusal& refuse, Request& request) {
  const RelayAuthOptions& given = request.relay_auth;
  if (!given.relay) {
    if (raw.given(Option::smtps))
      return refuse.usage("--smtps needs --relay (implicit TLS is for submission servers)");
    if (given.smtps)
      return refuse.in_file(Option::smtps,
                            "needs 'relay' (implicit TLS is for submission servers)");
    return true;
  }
  delivery::RelayRoute route = *given.relay;
  route.implicit_tls = route.implicit_tls || given.smtps;
  if (route.port == 0) route.port = default_relay_port(route.implicit_tls);
  request.delivery.route.relay = std::move(route);
  return true;
}

// Implicit TLS (RFC 8314) cannot be turned off by --tls none. The relay's default policy is not
// set here: delivery::tls_for_host() applies it (SPEC.md "TLS").
bool apply_relay_tls(bool tls_on_command_line, Refusal& refuse, Request& request) {
  const std::optional<delivery::RelayRoute>& relay = request.delivery.route.relay;
  if (!relay || !relay->implicit_tls) return true;
  if (request.delivery.tls.policy != smtp::TlsPolicy::none) return true;
  if (tls_on_command_line) {
    return refuse.usage("--tls none cannot be used with implicit TLS (--smtps or smtps://)");
  }
  return refuse.in_file(Option::tls,
                        "= \"none\" cannot be used with implicit TLS (smtps or smtps://)");
}

// The first option on the command line that asks for AUTH, which needs -u and a relay.
std::string first_auth_option(const RawOptions& raw) {
  for (const Option id : {Option::password_file, Option::password_cmd, Option::auth,
                          Option::oauth_token_cmd, Option::allow_plaintext_auth}) {
    if (raw.given(id)) return std::string(command_line_name(option_spec(id)));
  }
  return {};
}

// The name was checked by --auth's conversion; here: whether it fits --oauth-token-cmd.
bool apply_mechanism(const RawOptions& raw, const std::optional<std::string>& name, Refusal& refuse,
                     AuthRequest& auth) {
  if (name && *name != "auto") auth.preference.requested = smtp::parse_sasl_mechanism(*name);
  const bool wants_token =
      auth.preference.requested && smtp::uses_oauth_token(*auth.preference.requested);
  if (wants_token && !auth.oauth_token_cmd) {
    if (raw.given(Option::auth))
      return refuse.usage(fmt::format("--auth {} needs --oauth-token-cmd", *name));
    return refuse.in_file(Option::auth, fmt::format("{} needs 'oauth-token-cmd'", *name));
  }
  if (auth.oauth_token_cmd && auth.preference.requested && !wants_token) {
    if (raw.given(Option::auth) || raw.given(Option::oauth_token_cmd)) {
      return refuse.usage(
          fmt::format("--oauth-token-cmd gives a token, which --auth {} cannot use", *name));
    }
    return refuse.in_file(Option::auth,
                          fmt::format("{} cannot use the token of 'oauth-token-cmd'", *name));
  }
  auth.preference.oauth_token = auth.oauth_token_cmd.has_value();
  return true;
}

bool apply_auth(const RawOptions& raw, Refusal& refuse, Request& request) {
  const RelayAuthOptions& given = request.relay_auth;
  const std::string asked = first_auth_option(raw);
  if (!given.user) return asked.empty() || refuse.usage(asked + " needs -u/--user");
  if (!request.delivery.route.relay) {
    if (raw.given(Option::user))
      return refuse.usage("-u/--user needs --relay: AUTH is for submission servers, not MX hosts");
    if (!asked.empty())
      return refuse.usage(asked + " needs --relay: AUTH is for submission servers");
    return true;  // the file's user belongs to its relay accounts; MX delivery has no AUTH
  }
  AuthRequest auth;
  auth.user = *given.user;
  auth.passwords = given.passwords;
  auth.passwords.config_password = refuse.file().password;  // a secret: not in the option's text
  auth.oauth_token_cmd = given.oauth_token_cmd;
  auth.allow_plaintext = given.allow_plaintext;
  if (!apply_mechanism(raw, given.mechanism, refuse, auth)) return false;
  request.auth = std::move(auth);
  return true;
}

}  // namespace

bool apply_relay_and_auth(const RawOptions& raw, const FileSettings& file, bool tls_on_command_line,
                          Request& request, std::string& error, ExitCode& code) {
  Refusal refuse(file, error, code);
  return apply_relay(raw, refuse, request) &&
         apply_relay_tls(tls_on_command_line, refuse, request) && apply_auth(raw, refuse, request);
}

}  // namespace smtpsend::cli
