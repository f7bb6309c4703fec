#include "config_keys.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <filesystem>

#include "option_values.hpp"
#include "smtpsend/cli/relay_target.hpp"

namespace smtpsend::cli {
namespace {

struct Context {
  std::string_view key;
  const toml::node& node;
  const std::string& directory;
  ConfigSettings& out;
  std::string& error;  // without the "path:line: " prefix, added by the caller

  int line() const { return static_cast<int>(node.source().begin.line); }
};

using Reader = bool (*)(const Context&);

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

bool wrong_type(const Context& c, std::string_view wanted) {
  c.error = fmt::format("'{}' must be {}, not {}", c.key, wanted, type_name(c.node));
  return false;
}

template <typename T>
void store(const Context& c, MaybeSetting<T> ConfigSettings::*member, T value) {
  c.out.*member = Setting<T>{std::move(value), c.line()};
}

// Any string, including the empty one (from = "" is the null sender, as -f '').
template <MaybeSetting<std::string> ConfigSettings::*member>
bool any_text(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  store(c, member, c.node.as_string()->get());
  return true;
}

template <MaybeSetting<std::string> ConfigSettings::*member>
bool text(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  if (c.node.as_string()->get().empty()) {
    c.error = fmt::format("'{}' must not be empty", c.key);
    return false;
  }
  store(c, member, c.node.as_string()->get());
  return true;
}

template <MaybeSetting<bool> ConfigSettings::*member>
bool boolean(const Context& c) {
  if (!c.node.is_boolean()) return wrong_type(c, "true or false");
  store(c, member, c.node.as_boolean()->get());
  return true;
}

// A string that the matching command-line check accepts; its sentence names the key.
template <MaybeSetting<std::string> ConfigSettings::*member,
          bool (*check)(std::string_view, std::string_view, std::string&)>
bool checked_text(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  const std::string& value = c.node.as_string()->get();
  if (!check(c.key, value, c.error)) return false;
  store(c, member, value);
  return true;
}

// Integers go through the command line's conversions, so ranges and sentences are the same.
template <typename T, MaybeSetting<T> ConfigSettings::*member,
          bool (*parse)(std::string_view, std::string_view, T&, std::string&)>
bool number(const Context& c) {
  if (!c.node.is_integer()) return wrong_type(c, "an integer");
  T value{};
  if (!parse(c.key, std::to_string(c.node.as_integer()->get()), value, c.error)) return false;
  store(c, member, value);
  return true;
}

// A size as --max-size takes it ("500M"), or a plain integer of bytes.
bool size(const Context& c) {
  std::string text;
  if (c.node.is_string()) {
    text = c.node.as_string()->get();
  } else if (c.node.is_integer()) {
    text = std::to_string(c.node.as_integer()->get());
  } else {
    return wrong_type(c, "a string such as \"500M\" or an integer");
  }
  std::uint64_t value = 0;
  if (!parse_size(c.key, text, value, c.error)) return false;
  store(c, &ConfigSettings::max_size, value);
  return true;
}

template <MaybeSetting<std::string> ConfigSettings::*member, std::size_t N>
bool one_of(const Context& c, const std::array<std::string_view, N>& allowed) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  const std::string& value = c.node.as_string()->get();
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    c.error =
        fmt::format("'{}' must be one of {}, not '{}'", c.key, fmt::join(allowed, ", "), value);
    return false;
  }
  store(c, member, value);
  return true;
}

bool tls(const Context& c) {
  static constexpr std::array<std::string_view, 4> kPolicies{"none", "opportunistic", "required",
                                                             "verify"};
  return one_of<&ConfigSettings::tls>(c, kPolicies);
}

bool auth(const Context& c) {
  static constexpr std::array<std::string_view, 8> kMechanisms{
      "auto",        "plain",         "login",   "cram-md5",
      "scram-sha-1", "scram-sha-256", "xoauth2", "oauthbearer"};
  return one_of<&ConfigSettings::auth>(c, kMechanisms);
}

bool family(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  const std::string& value = c.node.as_string()->get();
  dns::AddressFamily chosen{};
  if (value == "any") {
    chosen = dns::AddressFamily::any;
  } else if (value == "ipv4") {
    chosen = dns::AddressFamily::ipv4;
  } else if (value == "ipv6") {
    chosen = dns::AddressFamily::ipv6;
  } else {
    c.error = fmt::format("'family' must be \"ipv4\", \"ipv6\" or \"any\", not '{}'", value);
    return false;
  }
  store(c, &ConfigSettings::family, chosen);
  return true;
}

bool dns_server_text(const Context& c, const toml::node& item, std::vector<std::string>& out) {
  if (!item.is_string()) {
    c.error = fmt::format("'dns-server' must be a string or an array of strings, not {} in it",
                          type_name(item));
    return false;
  }
  out.push_back(item.as_string()->get());
  return check_dns_server(c.key, out.back(), c.error);
}

bool dns_servers(const Context& c) {
  std::vector<std::string> servers;
  if (c.node.is_string()) {
    if (!dns_server_text(c, c.node, servers)) return false;
  } else if (const toml::array* list = c.node.as_array()) {
    for (const toml::node& item : *list) {
      if (!dns_server_text(c, item, servers)) return false;
    }
  } else {
    return wrong_type(c, "a string or an array of strings");
  }
  store(c, &ConfigSettings::dns_servers, std::move(servers));
  return true;
}

// A relative name is taken from the configuration file's directory: a cron job's working
// directory is rarely the one the user had in mind when writing the file.
bool recipients_file(const Context& c) {
  if (!text<&ConfigSettings::recipients_file>(c)) return false;
  std::string& value = c.out.recipients_file->value;
  if (value == "-") {
    c.error = "'recipients-file' cannot be '-' (stdin) in a configuration file";
    return false;
  }
  if (!std::filesystem::path(value).is_absolute()) {
    value = (std::filesystem::path(c.directory) / value).lexically_normal().string();
  }
  return true;
}

// A relay is checked as --relay is, so the file and the command line accept the same spellings.
bool check_relay(std::string_view key, std::string_view text, std::string& error) {
  if (text.empty()) {
    error = fmt::format("'{}' must not be empty", key);
    return false;
  }
  delivery::RelayRoute route;
  if (parse_relay_target(text, route, error)) return true;
  error = fmt::format("'{}': {}", key, error);
  return false;
}

// Files named in the file are taken from its directory when relative, like recipients-file.
template <MaybeSetting<std::string> ConfigSettings::*member>
bool path_text(const Context& c) {
  if (!text<member>(c)) return false;
  std::string& value = (c.out.*member)->value;
  if (!value.empty() && !std::filesystem::path(value).is_absolute()) {
    value = (std::filesystem::path(c.directory) / value).lexically_normal().string();
  }
  return true;
}

// -F's rule: a line break would start a header field of its own.
bool check_display_name(std::string_view key, std::string_view value, std::string& error) {
  if (value.find_first_of("\r\n") == std::string_view::npos) return true;
  error = fmt::format("'{}' must not contain CR or LF", key);
  return false;
}

// The DSN values go through the options' own checks (smtp/dsn.hpp); their sentences name the
// options, so the key is put in front, as for 'relay'.
bool keyed(const Context& c, bool checked) {
  if (!checked) c.error = fmt::format("'{}': {}", c.key, c.error);
  return checked;
}

bool dsn_notify(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  std::string notify;
  if (!keyed(c, smtp::parse_dsn_notify(c.node.as_string()->get(), notify, c.error))) return false;
  store(c, &ConfigSettings::dsn_notify, std::move(notify));
  return true;
}

bool dsn_return(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  smtp::DsnReturn ret{};
  if (!keyed(c, smtp::parse_dsn_return(c.node.as_string()->get(), ret, c.error))) return false;
  store(c, &ConfigSettings::dsn_return, ret);
  return true;
}

bool dsn_envid(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  const std::string& envid = c.node.as_string()->get();
  if (!keyed(c, smtp::check_dsn_envid(envid, c.error))) return false;
  store(c, &ConfigSettings::dsn_envid, envid);
  return true;
}

bool password(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  if (c.node.as_string()->get().empty()) {
    c.error = "'password' must not be empty";
    return false;
  }
  store(c, &ConfigSettings::password, Secret(c.node.as_string()->get()));
  return true;
}

struct Key {
  std::string_view name;
  Reader read;
};

constexpr std::array kKeys{
    Key{"from", any_text<&ConfigSettings::from>},
    Key{"qualify-domain", checked_text<&ConfigSettings::qualify_domain, check_qualify_domain>},
    Key{"recipients-file", recipients_file},
    Key{"dns-server", dns_servers},
    Key{"mx-port", number<std::uint16_t, &ConfigSettings::mx_port, parse_port>},
    Key{"helo", checked_text<&ConfigSettings::helo, check_helo_name>},
    Key{"family", family},
    Key{"max-parallel", number<std::size_t, &ConfigSettings::max_parallel, parse_parallel>},
    Key{"max-addresses",
        number<std::size_t, &ConfigSettings::max_addresses, parse_address_limit>},
    Key{"timeout", number<std::chrono::seconds, &ConfigSettings::timeout, parse_seconds>},
    Key{"connect-timeout",
        number<std::chrono::seconds, &ConfigSettings::connect_timeout, parse_seconds>},
    Key{"dns-timeout", number<std::chrono::seconds, &ConfigSettings::dns_timeout, parse_seconds>},
    Key{"max-size", size},
    Key{"from-name", checked_text<&ConfigSettings::from_name, check_display_name>},
    Key{"dsn-notify", dsn_notify},
    Key{"dsn-return", dsn_return},
    Key{"dsn-envid", dsn_envid},
    Key{"relay", checked_text<&ConfigSettings::relay, check_relay>},
    Key{"user", text<&ConfigSettings::user>},
    Key{"password", password},
    Key{"password-cmd", text<&ConfigSettings::password_cmd>},
    Key{"password-file", path_text<&ConfigSettings::password_file>},
    Key{"tls", tls},
    Key{"smtps", boolean<&ConfigSettings::smtps>},
    Key{"ca-file", path_text<&ConfigSettings::ca_file>},
    Key{"ca-path", path_text<&ConfigSettings::ca_path>},
    Key{"tls-cert", path_text<&ConfigSettings::tls_cert>},
    Key{"tls-key", path_text<&ConfigSettings::tls_key>},
    Key{"auth", auth},
    Key{"oauth-token-cmd", text<&ConfigSettings::oauth_token_cmd>},
    Key{"allow-plaintext-auth", boolean<&ConfigSettings::allow_plaintext_auth>},
};

// Options that describe one invocation, not a standing preference: a file setting them would
// silently change what every run prints or does.
constexpr std::array<std::string_view, 11> kCommandLineOnly{
    "message", "dry-run", "json",    "quiet",           "verbose", "config",
    "account", "help",    "version", "read-recipients", "each"};

// The composing options build one message from this run's input; in a file they would give
// every message, cron's included, the same subject, headers or attachment.
constexpr std::array<std::string_view, 4> kComposingOnly{"subject", "header", "body", "attach"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Two password sources in one table would leave the winner to an ordering rule nobody reads.
bool one_password_source(const ConfigSettings& s, std::string& error) {
  const int sources = int{s.password.has_value()} + int{s.password_cmd.has_value()} +
                      int{s.password_file.has_value()};
  if (sources <= 1) return true;
  error = "set only one of 'password', 'password-cmd' and 'password-file' in a table";
  return false;
}

bool read_key(std::string_view name, const toml::node& node, const std::string& directory,
              ConfigSettings& out, std::string& error) {
  for (const Key& key : kKeys) {
    if (key.name == name) return key.read(Context{name, node, directory, out, error});
  }
  if (listed(kCommandLineOnly, name)) {
    error = fmt::format("'{}' can be given only on the command line", name);
  } else if (listed(kComposingOnly, name)) {
    error = fmt::format(
        "'{}' can be given only on the command line: it composes one message, not every run's",
        name);
  } else {
    error = fmt::format("unknown key '{}'", name);
  }
  return false;
}

}  // namespace

bool read_settings(const toml::table& table, const std::string& path, const std::string& directory,
                   ConfigSettings& out, std::string& error) {
  for (const auto& [key, node] : table) {
    std::string problem;
    if (!read_key(key.str(), node, directory, out, problem) || !one_password_source(out, problem)) {
      error = fmt::format("{}:{}: {}", path, key.source().begin.line, problem);
      return false;
    }
  }
  return true;
}

void overlay(ConfigSettings& base, const ConfigSettings& top) {
  const auto take = [&](auto member) {
    if ((top.*member).has_value()) base.*member = top.*member;
  };
  if (top.password || top.password_cmd || top.password_file) {
    base.password.reset();
    base.password_cmd.reset();
    base.password_file.reset();
  }
  take(&ConfigSettings::from), take(&ConfigSettings::qualify_domain);
  take(&ConfigSettings::recipients_file), take(&ConfigSettings::dns_servers);
  take(&ConfigSettings::mx_port), take(&ConfigSettings::helo), take(&ConfigSettings::family);
  take(&ConfigSettings::max_parallel), take(&ConfigSettings::max_addresses);
  take(&ConfigSettings::timeout);
  take(&ConfigSettings::connect_timeout), take(&ConfigSettings::dns_timeout);
  take(&ConfigSettings::max_size);
  take(&ConfigSettings::from_name), take(&ConfigSettings::dsn_notify);
  take(&ConfigSettings::dsn_return), take(&ConfigSettings::dsn_envid);
  take(&ConfigSettings::relay), take(&ConfigSettings::user), take(&ConfigSettings::password);
  take(&ConfigSettings::password_cmd), take(&ConfigSettings::password_file);
  take(&ConfigSettings::tls), take(&ConfigSettings::smtps), take(&ConfigSettings::ca_file);
  take(&ConfigSettings::ca_path), take(&ConfigSettings::tls_cert);
  take(&ConfigSettings::tls_key), take(&ConfigSettings::auth);
  take(&ConfigSettings::oauth_token_cmd), take(&ConfigSettings::allow_plaintext_auth);
}

}  // namespace smtpsend::cli
