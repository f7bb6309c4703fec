// The TOML configuration file (SPEC.md "Configuration", issue 3 part 6).
//
// Owns: finding the file (-C, else $XDG_CONFIG_HOME/smtpsend/config.toml, else
// /etc/smtpsend.toml), parsing it with toml++, checking every key's type and value, the
// permission rule for a file holding a password, and merging [defaults] with the -A account.
// Must not: know the command line (command_line applies the merged settings to options the
// user did not give). Errors are values: a ConfigLoad whose error is one sentence naming the
// file (and line, where there is one); every such error is exit 78 (EX_CONFIG).
// Decisions: docs/configuration.md. Private to src/cli.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "option_table.hpp"
#include "smtpsend/cli/secret.hpp"

namespace smtpsend::cli {

// A key's value as the file gave it, before its option's conversion (option_table.cpp) reads it.
struct FileValue {
  std::vector<std::string> texts;  // a string: one; an array: each; an integer: its decimal text
  bool flag = false;               // a boolean
  int line = 0;                    // for "FILE:LINE:" errors
};

// One table's keys ([defaults] or an [account.NAME]), or their merge: one slot per option of
// the table, set when the file gave its key. Keys are the long option names; `family` stands for
// -4/-6, which have no long names. Every value was checked by its option's conversion when read.
struct ConfigSettings {
  std::string directory;  // the file's: relative file names are taken from there
  std::array<std::optional<FileValue>, kOptionCount> values;
  std::optional<Secret> password;  // the `password` key's value (its slot holds its line)

  const std::optional<FileValue>& value(Option id) const {
    return values[static_cast<std::size_t>(id)];
  }
  bool has(Option id) const { return value(id).has_value(); }
  int line(Option id) const { return has(id) ? value(id)->line : 0; }
  std::optional<std::string> text(Option id) const;
  bool flag(Option id) const { return has(id) && value(id)->flag; }
  // A file name resolved against `directory` (option_table.hpp OptionInput::path).
  std::optional<std::string> path(Option id) const;
  // The value as its conversion reads it; `name` is what sentences quote ("'mx-port'").
  OptionInput input(Option id, std::string_view name) const;
};

struct ConfigLoad {
  std::string path;         // the file read; empty when none was found (and none was required)
  ConfigSettings settings;  // [defaults] overlaid with the chosen account
  std::string error;        // set: refuse to run, exit 78
};

// $XDG_CONFIG_HOME/smtpsend/config.toml ($HOME/.config/... when XDG_CONFIG_HOME is unset, empty
// or relative), then /etc/smtpsend.toml. The first that exists is used; none is fine.
std::vector<std::string> default_config_paths();

// `explicit_path` is -C (must exist); otherwise the first existing of `default_paths`.
// `account` is -A: it must name an [account.NAME] table of the file.
ConfigLoad load_config(const std::optional<std::string>& explicit_path,
                       std::span<const std::string> default_paths,
                       const std::optional<std::string>& account);

// Parses `text` as if read from `path` (whose permission bits are `mode`); for tests and for
// load_config.
ConfigLoad parse_config(const std::string& path, std::string_view text, unsigned mode,
                        const std::optional<std::string>& account);

}  // namespace smtpsend::cli
