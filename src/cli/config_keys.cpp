#include "config_keys.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <span>

#include "option_table.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"
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
  return one_of<&ConfigSettings::auth>(c, kAuthNames);
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

// A key that takes one string or an array of them (dns-server, dkim): `read_item` for each.
template <typename Item, typename ReadItem>
bool string_or_array(const Context& c, std::vector<Item>& out, ReadItem read_item) {
  if (c.node.is_string()) return read_item(c, c.node, out);
  const toml::array* list = c.node.as_array();
  if (list == nullptr) return wrong_type(c, "a string or an array of strings");
  for (const toml::node& item : *list) {
    if (!read_item(c, item, out)) return false;
  }
  return true;
}

bool dns_servers(const Context& c) {
  std::vector<std::string> servers;
  if (!string_or_array(c, servers, dns_server_text)) return false;
  store(c, &ConfigSettings::dns_servers, std::move(servers));
  return true;
}

bool dkim_key_text(const Context& c, const toml::node& item, std::vector<DkimKeyFile>& out) {
  if (!item.is_string()) {
    c.error = fmt::format("'dkim' must be a string or an array of strings, not {} in it",
                          type_name(item));
    return false;
  }
  DkimKeyFile key;
  if (!parse_dkim_key(c.key, item.as_string()->get(), key, c.error)) return false;
  // As recipients-file: relative to the configuration file, not to cron's working directory.
  if (!std::filesystem::path(key.path).is_absolute()) {
    key.path = (std::filesystem::path(c.directory) / key.path).lexically_normal().string();
  }
  out.push_back(std::move(key));
  return true;
}

bool dkim_keys(const Context& c) {
  std::vector<DkimKeyFile> keys;
  if (!string_or_array(c, keys, dkim_key_text)) return false;
  store(c, &ConfigSettings::dkim, std::move(keys));
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

bool queue_mode(const Context& c) {
  if (!c.node.is_string()) return wrong_type(c, "a string");
  const std::string& value = c.node.as_string()->get();
  const std::optional<QueueMode> mode = parse_queue_mode(value);
  if (!mode) {
    c.error = fmt::format("'{}' must be one of never, deferred, always, not '{}'", c.key, value);
    return false;
  }
  store(c, &ConfigSettings::queue, *mode);
  return true;
}

// A duration as the options take it ("5m"), or an integer of seconds.
template <MaybeSetting<std::chrono::seconds> ConfigSettings::*member>
bool duration(const Context& c) {
  std::string text;
  if (c.node.is_string()) {
    text = c.node.as_string()->get();
  } else if (c.node.is_integer()) {
    text = std::to_string(c.node.as_integer()->get());
  } else {
    return wrong_type(c, "a string such as \"5m\" or an integer of seconds");
  }
  std::chrono::seconds value{};
  if (!parse_duration(c.key, text, value, c.error)) return false;
  store(c, member, value);
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

// The file's value into the Request field `target` returns (the command line did not give it).
template <auto member, auto target>
void into(const ConfigSettings& settings, Request& request) {
  if (settings.*member) target(request) = (settings.*member)->value;
}

// config_keys checked the name, so the lookup cannot fail here.
void into_tls_policy(const ConfigSettings& settings, Request& request) {
  transport::TlsSettings& tls = request.delivery.tls;
  if (settings.tls) {
    tls.policy = smtp::tls_policy_from_string(settings.tls->value);
  }
}

// One key of option_table.hpp: how it is read, merged and applied, and where it is kept.
struct Key {
  Option option;  // its name is the option's config_key()
  Reader read;
  void (*overlay)(ConfigSettings& base, const ConfigSettings& top);
  // Null for the relay and AUTH keys: relay_options.cpp merges them with the command line's.
  void (*apply)(const ConfigSettings& settings, Request& request);
};

template <auto member, auto target>
constexpr Key key(Option option, Reader read) {
  return Key{option, read, take<member>, into<member, target>};
}

template <auto member>
constexpr Key relay_key(Option option, Reader read) {
  return Key{option, read, take<member>, nullptr};
}

using S = ConfigSettings;

// One row per key. clang-format reads the '<' before a lambda template argument as less-than
// and would scatter the rows.
// clang-format off
constexpr std::array kKeys{
    key<&S::from, [](Request& r) -> auto& { return r.from; }>(
        Option::from, any_text<&S::from>),
    key<&S::qualify_domain, [](Request& r) -> auto& { return r.qualify_domain; }>(
        Option::qualify_domain, checked_text<&S::qualify_domain, check_qualify_domain>),
    key<&S::recipients_file, [](Request& r) -> auto& { return r.recipients_file; }>(
        Option::recipients_file, recipients_file),
    key<&S::aliases, [](Request& r) -> auto& { return r.aliases_path; }>(
        Option::aliases, path_text<&S::aliases>),
    key<&S::dns_servers, [](Request& r) -> auto& { return r.delivery.dns_servers; }>(
        Option::dns_server, dns_servers),
    key<&S::mx_port, [](Request& r) -> auto& { return r.delivery.route.mx_port; }>(
        Option::mx_port, number<std::uint16_t, &S::mx_port, parse_port>),
    key<&S::helo, [](Request& r) -> auto& { return r.delivery.helo_name; }>(
        Option::helo, checked_text<&S::helo, check_helo_name>),
    key<&S::family, [](Request& r) -> auto& { return r.delivery.route.family; }>(
        Option::family, family),
    key<&S::max_parallel, [](Request& r) -> auto& { return r.delivery.max_parallel; }>(
        Option::max_parallel, number<std::size_t, &S::max_parallel, parse_parallel>),
    key<&S::max_addresses, [](Request& r) -> auto& { return r.delivery.route.max_addresses; }>(
        Option::max_addresses, number<std::size_t, &S::max_addresses, parse_address_limit>),
    key<&S::timeout, [](Request& r) -> auto& { return r.delivery.session.timeouts.every_stage; }>(
        Option::timeout, number<std::chrono::seconds, &S::timeout, parse_seconds>),
    key<&S::connect_timeout, [](Request& r) -> auto& { return r.delivery.connect_timeout; }>(
        Option::connect_timeout, number<std::chrono::seconds, &S::connect_timeout, parse_seconds>),
    key<&S::dns_timeout, [](Request& r) -> auto& { return r.delivery.dns_timeout; }>(
        Option::dns_timeout, number<std::chrono::seconds, &S::dns_timeout, parse_seconds>),
    key<&S::max_size, [](Request& r) -> auto& { return r.max_size; }>(
        Option::max_size, size),
    key<&S::from_name, [](Request& r) -> auto& { return r.from_name; }>(
        Option::from_name, checked_text<&S::from_name, check_display_name>),
    key<&S::dsn_notify, [](Request& r) -> auto& { return r.envelope_parameters.dsn.notify; }>(
        Option::dsn_notify, dsn_notify),
    key<&S::dsn_return, [](Request& r) -> auto& { return r.envelope_parameters.dsn.ret; }>(
        Option::dsn_return, dsn_return),
    key<&S::dsn_envid, [](Request& r) -> auto& { return r.envelope_parameters.dsn.envid; }>(
        Option::dsn_envid, dsn_envid),
    key<&S::dkim, [](Request& r) -> auto& { return r.dkim; }>(
        Option::dkim, dkim_keys),
    key<&S::dkim_domain, [](Request& r) -> auto& { return r.dkim_domain; }>(
        Option::dkim_domain, checked_text<&S::dkim_domain, check_dkim_domain>),
    key<&S::queue_dir, [](Request& r) -> auto& { return r.queue_dir; }>(
        Option::queue_dir, path_text<&S::queue_dir>),
    relay_key<&S::relay>(Option::relay, checked_text<&S::relay, check_relay>),
    relay_key<&S::user>(Option::user, text<&S::user>),
    relay_key<&S::password>(Option::password, password),
    relay_key<&S::password_cmd>(Option::password_cmd, text<&S::password_cmd>),
    relay_key<&S::password_file>(Option::password_file, path_text<&S::password_file>),
    Key{Option::tls, tls, take<&S::tls>, into_tls_policy},
    relay_key<&S::smtps>(Option::smtps, boolean<&S::smtps>),
    key<&S::ca_file, [](Request& r) -> auto& { return r.delivery.tls.ca_file; }>(
        Option::ca_file, path_text<&S::ca_file>),
    key<&S::ca_path, [](Request& r) -> auto& { return r.delivery.tls.ca_path; }>(
        Option::ca_path, path_text<&S::ca_path>),
    key<&S::tls_cert, [](Request& r) -> auto& { return r.delivery.tls.cert_file; }>(
        Option::tls_cert, path_text<&S::tls_cert>),
    key<&S::tls_key, [](Request& r) -> auto& { return r.delivery.tls.key_file; }>(
        Option::tls_key, path_text<&S::tls_key>),
    relay_key<&S::auth>(Option::auth, auth),
    relay_key<&S::oauth_token_cmd>(Option::oauth_token_cmd, text<&S::oauth_token_cmd>),
    relay_key<&S::allow_plaintext_auth>(Option::allow_plaintext_auth,
                                        boolean<&S::allow_plaintext_auth>),
    key<&S::queue, [](Request& r) -> auto& { return r.queue.mode; }>(
        Option::queue, queue_mode),
    key<&S::retry_min, [](Request& r) -> auto& { return r.queue.retry_min; }>(
        Option::retry_min, duration<&S::retry_min>),
    key<&S::retry_max, [](Request& r) -> auto& { return r.queue.retry_max; }>(
        Option::retry_max, duration<&S::retry_max>),
    key<&S::queue_lifetime, [](Request& r) -> auto& { return r.queue.lifetime; }>(
        Option::queue_lifetime, duration<&S::queue_lifetime>),
    key<&S::bounce_to, [](Request& r) -> auto& { return r.queue.bounce_to; }>(
        Option::bounce_to, text<&S::bounce_to>),
};
// clang-format on

// `family` has no option of its own: -4 and -6 choose it.
bool given_on_command_line(Option option, const GivenOnCommandLine& given) {
  if (option == Option::family) return given(Option::ipv4_only) || given(Option::ipv6_only);
  // bounce-to: a key only, nothing on the command line can give it.
  if (option_spec(option).shape == Shape::key_only) return false;
  return given(option);
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

void apply_config(const ConfigSettings& settings, const GivenOnCommandLine& given,
                  Request& request) {
  for (const Key& key : kKeys) {
    if (key.apply != nullptr && !given_on_command_line(key.option, given)) {
      key.apply(settings, request);
    }
  }
}

}  // namespace smtpsend::cli
