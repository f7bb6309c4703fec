#include "relay_options.hpp"

#include <fmt/format.h>

#include "option_table.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/relay_target.hpp"

namespace smtpsend::cli {
namespace {

std::optional<std::string> either(const std::optional<std::string>& command_line,
                                  const std::optional<std::string>& file) {
  return command_line ? command_line : file;
}

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

bool apply_relay(const RawOptions& raw, Refusal& refuse, Request& request) {
  const ConfigSettings& file = refuse.file();
  const std::optional<std::string> text = either(raw.text(Option::relay), file.text(Option::relay));
  const bool smtps = raw.flag(Option::smtps) || file.flag(Option::smtps);
  if (!text) {
    if (raw.flag(Option::smtps))
      return refuse.usage("--smtps needs --relay (implicit TLS is for submission servers)");
    if (smtps)
      return refuse.in_file(Option::smtps,
                            "needs 'relay' (implicit TLS is for submission servers)");
    return true;
  }
  delivery::RelayRoute route;
  std::string problem;
  if (!parse_relay_target(*text, route, problem)) return refuse.usage("--relay: " + problem);
  route.implicit_tls = route.implicit_tls || smtps;
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

std::string first_auth_option(const RawOptions& raw) {
  for (const Option id :
       {Option::password_file, Option::password_cmd, Option::auth, Option::oauth_token_cmd}) {
    if (raw.text(id)) return std::string(command_line_name(option_spec(id)));
  }
  if (raw.flag(Option::allow_plaintext_auth)) {
    return std::string(command_line_name(option_spec(Option::allow_plaintext_auth)));
  }
  return {};
}

bool apply_mechanism(const RawOptions& raw, Refusal& refuse, AuthRequest& auth) {
  const std::optional<std::string> name =
      either(raw.text(Option::auth), refuse.file().text(Option::auth));
  if (name && *name != "auto") {
    auth.preference.requested = smtp::parse_sasl_mechanism(*name);
    if (!auth.preference.requested) {
      return refuse.usage(fmt::format("--auth must be {}, not '{}'", or_list(kAuthNames), *name));
    }
  }
  const bool wants_token =
      auth.preference.requested && smtp::uses_oauth_token(*auth.preference.requested);
  if (wants_token && !auth.oauth_token_cmd) {
    if (raw.text(Option::auth))
      return refuse.usage(fmt::format("--auth {} needs --oauth-token-cmd", *name));
    return refuse.in_file(Option::auth, fmt::format("{} needs 'oauth-token-cmd'", *name));
  }
  if (auth.oauth_token_cmd && auth.preference.requested && !wants_token) {
    if (raw.text(Option::auth) || raw.text(Option::oauth_token_cmd)) {
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
  const ConfigSettings& file = refuse.file();
  const std::optional<std::string> user = either(raw.text(Option::user), file.text(Option::user));
  const std::string asked = first_auth_option(raw);
  if (!user) return asked.empty() || refuse.usage(asked + " needs -u/--user");
  if (!request.delivery.route.relay) {
    if (raw.text(Option::user))
      return refuse.usage("-u/--user needs --relay: AUTH is for submission servers, not MX hosts");
    if (!asked.empty())
      return refuse.usage(asked + " needs --relay: AUTH is for submission servers");
    return true;  // the file's user belongs to its relay accounts; MX delivery has no AUTH
  }
  AuthRequest auth;
  auth.user = *user;
  auth.passwords.file = raw.text(Option::password_file);
  auth.passwords.command = raw.text(Option::password_cmd);
  auth.passwords.config_file = file.path(Option::password_file);
  auth.passwords.config_command = file.text(Option::password_cmd);
  auth.passwords.config_password = file.password;
  auth.oauth_token_cmd =
      either(raw.text(Option::oauth_token_cmd), file.text(Option::oauth_token_cmd));
  auth.allow_plaintext =
      raw.flag(Option::allow_plaintext_auth) || file.flag(Option::allow_plaintext_auth);
  if (!apply_mechanism(raw, refuse, auth)) return false;
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
