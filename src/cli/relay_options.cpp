#include "relay_options.hpp"

#include <fmt/format.h>

#include "option_registration.hpp"
#include "smtpsend/cli/relay_target.hpp"

namespace smtpsend::cli {
namespace {

template <typename T>
std::optional<T> either(const std::optional<T>& command_line, const MaybeSetting<T>& file) {
  if (command_line) return command_line;
  if (file) return file->value;
  return std::nullopt;
}

bool file_flag(const MaybeSetting<bool>& setting) {
  return setting && setting->value;
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
  template <typename T>
  bool in_file(const MaybeSetting<T>& setting, std::string_view key, std::string_view sentence) {
    error_ = fmt::format("{}:{}: '{}' {}", file_.path, setting ? setting->line : 0, key, sentence);
    code_ = ExitCode::config;
    return false;
  }
  const ConfigSettings& file() const { return file_.settings; }

 private:
  const FileSettings& file_;
  std::string& error_;
  ExitCode& code_;
};

bool apply_relay(const RelayRawOptions& raw, Refusal& refuse, Request& request) {
  const ConfigSettings& file = refuse.file();
  const std::optional<std::string> text = either(raw.relay, file.relay);
  const bool smtps = raw.smtps || file_flag(file.smtps);
  if (!text) {
    if (raw.smtps)
      return refuse.usage("--smtps needs --relay (implicit TLS is for submission servers)");
    if (smtps)
      return refuse.in_file(file.smtps, "smtps",
                            "needs 'relay' (implicit TLS is for submission servers)");
    return true;
  }
  delivery::RelayRoute route;
  std::string problem;
  if (!parse_relay_target(*text, route, problem)) return refuse.usage("--relay: " + problem);
  route.implicit_tls = route.implicit_tls || smtps;
  if (route.port == 0) route.port = default_relay_port(route.implicit_tls);
  request.delivery.relay = std::move(route);
  return true;
}

// SPEC.md "TLS": a relay is a known host the user named, so its certificate is checked by
// default; MX delivery keeps opportunistic (RFC 7435).
bool apply_relay_tls(bool tls_on_command_line, Refusal& refuse, Request& request) {
  const std::optional<delivery::RelayRoute>& relay = request.delivery.relay;
  if (!relay) return true;
  const MaybeSetting<std::string>& file_tls = refuse.file().tls;
  if (!tls_on_command_line && !file_tls) request.delivery.tls.policy = smtp::TlsPolicy::verify;
  if (!relay->implicit_tls || request.delivery.tls.policy != smtp::TlsPolicy::none) return true;
  if (tls_on_command_line) {
    return refuse.usage("--tls none cannot be used with implicit TLS (--smtps or smtps://)");
  }
  return refuse.in_file(file_tls, "tls",
                        "= \"none\" cannot be used with implicit TLS (smtps or smtps://)");
}

std::string first_auth_option(const RelayRawOptions& raw) {
  if (raw.password_file) return "--password-file";
  if (raw.password_cmd) return "--password-cmd";
  if (raw.auth) return "--auth";
  if (raw.oauth_token_cmd) return "--oauth-token-cmd";
  if (raw.allow_plaintext_auth) return "--allow-plaintext-auth";
  return {};
}

bool apply_mechanism(const RelayRawOptions& raw, Refusal& refuse, AuthRequest& auth) {
  const MaybeSetting<std::string>& file_auth = refuse.file().auth;
  const std::optional<std::string> name = either(raw.auth, file_auth);
  if (name && *name != "auto") {
    auth.preference.requested = smtp::parse_sasl_mechanism(*name);
    if (!auth.preference.requested) {
      return refuse.usage(fmt::format(
          "--auth must be auto, plain, login, cram-md5, scram-sha-1, scram-sha-256, xoauth2 or "
          "oauthbearer, not '{}'",
          *name));
    }
  }
  const bool wants_token =
      auth.preference.requested && smtp::uses_oauth_token(*auth.preference.requested);
  if (wants_token && !auth.oauth_token_cmd) {
    if (raw.auth) return refuse.usage(fmt::format("--auth {} needs --oauth-token-cmd", *name));
    return refuse.in_file(file_auth, "auth", fmt::format("{} needs 'oauth-token-cmd'", *name));
  }
  if (auth.oauth_token_cmd && auth.preference.requested && !wants_token) {
    if (raw.auth || raw.oauth_token_cmd) {
      return refuse.usage(
          fmt::format("--oauth-token-cmd gives a token, which --auth {} cannot use", *name));
    }
    return refuse.in_file(file_auth, "auth",
                          fmt::format("{} cannot use the token of 'oauth-token-cmd'", *name));
  }
  auth.preference.oauth_token = auth.oauth_token_cmd.has_value();
  return true;
}

bool apply_auth(const RelayRawOptions& raw, Refusal& refuse, Request& request) {
  const ConfigSettings& file = refuse.file();
  const std::optional<std::string> user = either(raw.user, file.user);
  const std::string asked = first_auth_option(raw);
  if (!user) return asked.empty() || refuse.usage(asked + " needs -u/--user");
  if (!request.delivery.relay) {
    if (raw.user)
      return refuse.usage("-u/--user needs --relay: AUTH is for submission servers, not MX hosts");
    if (!asked.empty())
      return refuse.usage(asked + " needs --relay: AUTH is for submission servers");
    return true;  // the file's user belongs to its relay accounts; MX delivery has no AUTH
  }
  AuthRequest auth;
  auth.user = *user;
  auth.passwords.file = raw.password_file;
  auth.passwords.command = raw.password_cmd;
  if (file.password_file) auth.passwords.config_file = file.password_file->value;
  if (file.password_cmd) auth.passwords.config_command = file.password_cmd->value;
  if (file.password) auth.passwords.config_password = file.password->value;
  auth.oauth_token_cmd = either(raw.oauth_token_cmd, file.oauth_token_cmd);
  auth.allow_plaintext = raw.allow_plaintext_auth || file_flag(file.allow_plaintext_auth);
  if (!apply_mechanism(raw, refuse, auth)) return false;
  request.auth = std::move(auth);
  return true;
}

}  // namespace

void add_relay_options(CLI::App& app, RelayRawOptions& raw) {
  single(app, "-r,--relay", raw.relay,
         "send everything through one submission server: HOST[:PORT], smtp://HOST[:PORT] or "
         "smtps://HOST[:PORT] (default port 587; smtps:// 465); [::1]:587 for IPv6",
         "HOST[:PORT]");
  app.add_flag("--smtps", raw.smtps, "implicit TLS from the first byte (port 465) with --relay");
}

void add_auth_options(CLI::App& app, RelayRawOptions& raw) {
  single(app, "-u,--user", raw.user, "AUTH user; enables AUTH (with --relay)", "NAME");
  single(app, "--password-file", raw.password_file,
         "password source: the file's first line (also: --password-cmd, SMTPSEND_PASSWORD; "
         "never a command-line value)",
         "FILE");
  single(app, "--password-cmd", raw.password_cmd,
         "password source: the first line the command prints", "CMD");
  single(app, "--auth", raw.auth,
         "auto (default: the first both sides support of scram-sha-256, scram-sha-1, cram-md5, "
         "plain, login; oauthbearer then xoauth2 with --oauth-token-cmd), plain, login, "
         "cram-md5, scram-sha-1, scram-sha-256, xoauth2, oauthbearer",
         "MECH");
  single(app, "--oauth-token-cmd", raw.oauth_token_cmd, "prints an OAuth2 access token", "CMD");
  app.add_flag("--allow-plaintext-auth", raw.allow_plaintext_auth,
               "permit AUTH without TLS (otherwise refused: exit 77, no MAIL FROM sent)");
}

bool apply_relay_and_auth(const RelayRawOptions& raw, const FileSettings& file,
                          bool tls_on_command_line, Request& request, std::string& error,
                          ExitCode& code) {
  Refusal refuse(file, error, code);
  return apply_relay(raw, refuse, request) &&
         apply_relay_tls(tls_on_command_line, refuse, request) && apply_auth(raw, refuse, request);
}

}  // namespace smtpsend::cli
