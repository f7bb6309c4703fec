#include "config_keys.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>

#include "option_table.hpp"
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

template <MaybeSetting<std::string> ConfigSettings::*member>
bool one_of(const Context& c, std::span<const std::string_view> allowed) {
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
  return one_of<&ConfigSettings::tls>(c, smtp::kTlsPolicyNames);
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

// Account over defaults, one key at a time.
template <auto member>
void take(ConfigSettings& base, const ConfigSettings& top) {
  if ((top.*member).has_value()) base.*member = top.*member;
}

// How one key of option_table.hpp is read and merged, and where its value is kept.
struct Key {
  Option option;  // its name is the option's config_key()
  Reader read;
  void (*overlay)(ConfigSettings& base, const ConfigSettings& top);
};

constexpr std::array kKeys{
    Key{Option::from, any_text<&ConfigSettings::from>, take<&ConfigSettings::from>},
    Key{Option::qualify_domain,
        checked_text<&ConfigSettings::qualify_domain, check_qualify_domain>,
        take<&ConfigSettings::qualify_domain>},
    Key{Option::recipients_file, recipients_file, take<&ConfigSettings::recipients_file>},
    Key{Option::dns_server, dns_servers, take<&ConfigSettings::dns_servers>},
    Key{Option::mx_port, number<std::uint16_t, &ConfigSettings::mx_port, parse_port>,
        take<&ConfigSettings::mx_port>},
    Key{Option::helo, checked_text<&ConfigSettings::helo, check_helo_name>,
        take<&ConfigSettings::helo>},
    Key{Option::family, family, take<&ConfigSettings::family>},
    Key{Option::max_parallel,
        number<std::size_t, &ConfigSettings::max_parallel, parse_parallel>,
        take<&ConfigSettings::max_parallel>},
    Key{Option::max_addresses,
        number<std::size_t, &ConfigSettings::max_addresses, parse_address_limit>,
        take<&ConfigSettings::max_addresses>},
    Key{Option::timeout, number<std::chrono::seconds, &ConfigSettings::timeout, parse_seconds>,
        take<&ConfigSettings::timeout>},
    Key{Option::connect_timeout,
        number<std::chrono::seconds, &ConfigSettings::connect_timeout, parse_seconds>,
        take<&ConfigSettings::connect_timeout>},
    Key{Option::dns_timeout,
        number<std::chrono::seconds, &ConfigSettings::dns_timeout, parse_seconds>,
        take<&ConfigSettings::dns_timeout>},
    Key{Option::max_size, size, take<&ConfigSettings::max_size>},
    Key{Option::from_name, checked_text<&ConfigSettings::from_name, check_display_name>,
        take<&ConfigSettings::from_name>},
    Key{Option::dsn_notify, dsn_notify, take<&ConfigSettings::dsn_notify>},
    Key{Option::dsn_return, dsn_return, take<&ConfigSettings::dsn_return>},
    Key{Option::dsn_envid, dsn_envid, take<&ConfigSettings::dsn_envid>},
    Key{Option::relay, checked_text<&ConfigSettings::relay, check_relay>,
        take<&ConfigSettings::relay>},
    Key{Option::user, text<&ConfigSettings::user>, take<&ConfigSettings::user>},
    Key{Option::password, password, take<&ConfigSettings::password>},
    Key{Option::password_cmd, text<&ConfigSettings::password_cmd>,
        take<&ConfigSettings::password_cmd>},
    Key{Option::password_file, path_text<&ConfigSettings::password_file>,
        take<&ConfigSettings::password_file>},
    Key{Option::tls, tls, take<&ConfigSettings::tls>},
    Key{Option::smtps, boolean<&ConfigSettings::smtps>, take<&ConfigSettings::smtps>},
    Key{Option::ca_file, path_text<&ConfigSettings::ca_file>, take<&ConfigSettings::ca_file>},
    Key{Option::ca_path, path_text<&ConfigSettings::ca_path>, take<&ConfigSettings::ca_path>},
    Key{Option::tls_cert, path_text<&ConfigSettings::tls_cert>, take<&ConfigSettings::tls_cert>},
    Key{Option::tls_key, path_text<&ConfigSettings::tls_key>, take<&ConfigSettings::tls_key>},
    Key{Option::auth, auth, take<&ConfigSettings::auth>},
    Key{Option::oauth_token_cmd, text<&ConfigSettings::oauth_token_cmd>,
        take<&ConfigSettings::oauth_token_cmd>},
    Key{Option::allow_plaintext_auth, boolean<&ConfigSettings::allow_plaintext_auth>,
        take<&ConfigSettings::allow_plaintext_auth>},
};

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
  const OptionSpec* spec = option_for_key(name);
  if (spec != nullptr && spec->in_file == InFile::key) {
    for (const Key& key : kKeys) {
      if (key.option == spec->id) return key.read(Context{name, node, directory, out, error});
    }
  }
  if (spec != nullptr && spec->in_file == InFile::command_line_only) {
    error = fmt::format("'{}' can be given only on the command line", name);
  } else if (spec != nullptr && spec->in_file == InFile::composing_only) {
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
  if (top.password || top.password_cmd || top.password_file) {
    base.password.reset();
    base.password_cmd.reset();
    base.password_file.reset();
  }
  for (const Key& key : kKeys) key.overlay(base, top);
}

}  // namespace smtpsend::cli
