#include "config_keys.hpp"

#include <fmt/format.h>

#include <array>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

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

// One key being read: the errors name it in quotes, as the option's conversion does.
struct KeyReader {
  std::string quoted;  // "'mx-port'"
  const toml::node& node;
  std::string& error;  // without the "path:line: " prefix, added by the caller

  bool wrong_type(std::string_view wanted) const {
    error = fmt::format("{} must be {}, not {}", quoted, wanted, type_name(node));
    return false;
  }

  bool string(bool may_be_empty, FileValue& out) const {
    if (!node.is_string()) return wrong_type("a string");
    const std::string& text = node.as_string()->get();
    if (text.empty() && !may_be_empty) {
      error = fmt::format("{} must not be empty", quoted);
      return false;
    }
    out.texts.push_back(text);
    return true;
  }

  // A string as the option takes it ("500M", "5m"), or an integer.
  bool string_or_integer(std::string_view wanted, FileValue& out) const {
    if (node.is_string()) {
      out.texts.push_back(node.as_string()->get());
    } else if (node.is_integer()) {
      out.texts.push_back(std::to_string(node.as_integer()->get()));
    } else {
      return wrong_type(wanted);
    }
    return true;
  }

  bool strings(FileValue& out) const {
    if (node.is_string()) return string(true, out);
    const toml::array* list = node.as_array();
    if (list == nullptr) return wrong_type("a string or an array of strings");
    for (const toml::node& item : *list) {
      if (!item.is_string()) {
        error = fmt::format("{} must be a string or an array of strings, not {} in it", quoted,
                            type_name(item));
        return false;
      }
      out.texts.push_back(item.as_string()->get());
    }
    return true;
  }

  // The TOML value as the option's text, by the form option_table.cpp gives the key.
  bool read(InFile form, FileValue& out, std::optional<Secret>& password) const {
    switch (form) {
      case InFile::text:
        return string(false, out);
      case InFile::any_text:
        return string(true, out);
      case InFile::integer:
        if (!node.is_integer()) return wrong_type("an integer");
        out.texts.push_back(std::to_string(node.as_integer()->get()));
        return true;
      case InFile::size:
        return string_or_integer("a string such as \"500M\" or an integer", out);
      case InFile::duration:
        return string_or_integer("a string such as \"5m\" or an integer of seconds", out);
      case InFile::boolean:
        if (!node.is_boolean()) return wrong_type("true or false");
        out.flag = node.as_boolean()->get();
        return true;
      case InFile::text_list:
        return strings(out);
      case InFile::secret:
        // Straight into the Secret: no other copy of the password is made.
        if (!node.is_string()) return wrong_type("a string");
        if (node.as_string()->get().empty()) {
          error = fmt::format("{} must not be empty", quoted);
          return false;
        }
        password = Secret(node.as_string()->get());
        return true;
      case InFile::no_key:
      case InFile::command_line_only:
      case InFile::composing_only:
        break;
    }
    return false;
  }
};

// As a file's sentence names the key: OptionInput::label() of a value from the file.
std::string quoted_key(const OptionSpec& spec) {
  OptionInput in;
  in.name = config_key(spec);
  in.in_file = true;
  return in.label();
}

// A file's sentence names its key first, so a conversion's sentence that names the option
// instead ("-N (--dsn-notify): ...") gets the key in front.
bool applied(const OptionSpec& spec, const ConfigSettings& settings, Request& request,
             std::string& error) {
  const std::string_view key = config_key(spec);
  if (spec.apply(settings.input(spec.id, key), request, error)) return true;
  const std::string quoted = quoted_key(spec);
  if (!error.starts_with(key) && !error.starts_with(quoted)) {
    error = fmt::format("{}: {}", quoted, error);
  }
  return false;
}

// `family` has no option of its own: -4 and -6 choose it.
bool given_on_command_line(Option option, const GivenOnCommandLine& given) {
  if (option == Option::family) return given(Option::ipv4_only) || given(Option::ipv6_only);
  return given(option);
}

constexpr std::array<Option, 3> kPasswordSources{Option::password, Option::password_cmd,
                                                 Option::password_file};

bool any_password_source(const ConfigSettings& s) {
  return s.has(Option::password) || s.has(Option::password_cmd) || s.has(Option::password_file);
}

// Two password sources in one table would leave the winner to an ordering rule nobody reads.
bool one_password_source(const ConfigSettings& s, std::string& error) {
  int sources = 0;
  for (const Option source : kPasswordSources) sources += int{s.has(source)};
  if (sources <= 1) return true;
  error = "set only one of 'password', 'password-cmd' and 'password-file' in a table";
  return false;
}

bool refuse_key(std::string_view name, const OptionSpec* spec, std::string& error) {
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

// Read, then checked by the option's conversion into a Request that is thrown away: a bad value
// is refused when the file is read, in every table, even where the command line or the account
// chosen would override it.
bool read_key(std::string_view name, const toml::node& node, ConfigSettings& out,
              std::string& error) {
  const OptionSpec* spec = option_for_key(name);
  if (spec == nullptr || !is_file_key(spec->in_file)) return refuse_key(name, spec, error);
  const KeyReader reader{quoted_key(*spec), node, error};
  FileValue value;
  value.line = static_cast<int>(node.source().begin.line);
  if (!reader.read(spec->in_file, value, out.password)) return false;
  out.values[static_cast<std::size_t>(spec->id)] = std::move(value);
  if (spec->apply == nullptr) return true;
  Request scratch;
  return applied(*spec, out, scratch, error);
}

}  // namespace

std::optional<std::string> ConfigSettings::text(Option id) const {
  if (!has(id) || value(id)->texts.empty()) return std::nullopt;
  return value(id)->texts.back();
}

std::optional<std::string> ConfigSettings::path(Option id) const {
  const std::optional<std::string> name = text(id);
  if (!name) return std::nullopt;
  return input(id, "").path(*name);
}

OptionInput ConfigSettings::input(Option id, std::string_view name) const {
  OptionInput in;
  in.name = name;
  if (has(id)) {
    in.texts = value(id)->texts;
    in.flag = value(id)->flag;
  }
  in.in_file = true;
  in.directory = directory;
  return in;
}

bool read_settings(const toml::table& table, const std::string& path, ConfigSettings& out,
                   std::string& error) {
  for (const auto& [key, node] : table) {
    std::string problem;
    if (!read_key(key.str(), node, out, problem) || !one_password_source(out, problem)) {
      error = fmt::format("{}:{}: {}", path, key.source().begin.line, problem);
      return false;
    }
  }
  return true;
}

void overlay(ConfigSettings& base, const ConfigSettings& top) {
  if (any_password_source(top)) {
    for (const Option source : kPasswordSources) {
      base.values[static_cast<std::size_t>(source)].reset();
    }
    base.password.reset();
  }
  for (std::size_t i = 0; i < kOptionCount; ++i) {
    if (top.values[i]) base.values[i] = top.values[i];
  }
  if (top.password) base.password = top.password;
}

bool apply_config(const ConfigSettings& settings, const std::string& path,
                  const GivenOnCommandLine& given, Request& request, std::string& error) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.apply == nullptr || !settings.has(spec.id) || !is_file_key(spec.in_file) ||
        given_on_command_line(spec.id, given)) {
      continue;
    }
    std::string problem;
    if (!applied(spec, settings, request, problem)) {
      error = fmt::format("{}:{}: {}", path, settings.line(spec.id), problem);
      return false;
    }
  }
  return true;
}

}  // namespace smtpsend::cli
