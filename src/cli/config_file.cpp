#include "config_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "config_keys.hpp"

namespace smtpsend::cli {
namespace {

// Far beyond any hand-written configuration; a bound so that a device or a huge file named by
// mistake cannot exhaust memory.
constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

ConfigLoad refuse(std::string path, std::string sentence) {
  ConfigLoad load;
  load.path = std::move(path);
  load.error = std::move(sentence);
  return load;
}

// XDG Base Directory: a relative $XDG_CONFIG_HOME is to be ignored.
std::string user_config_home() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && xdg[0] == '/') return xdg;
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') return std::string(home) + "/.config";
  const passwd* entry = ::getpwuid(::getuid());
  if (entry != nullptr && entry->pw_dir != nullptr && entry->pw_dir[0] == '/') {
    return std::string(entry->pw_dir) + "/.config";
  }
  return {};
}

struct FileText {
  std::string text;
  unsigned mode = 0;
  int error = 0;  // errno; 0 when read
};

// One descriptor for the permission bits and the content, so they describe the same file.
FileText read_file(const std::string& path) {
  FileText file;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0) {
    file.error = errno;
  } else if (S_ISDIR(info.st_mode)) {
    file.error = EISDIR;
  } else {
    file.mode = info.st_mode & 07777;
    std::array<char, 4096> chunk{};
    for (;;) {
      const ssize_t got = ::read(fd, chunk.data(), chunk.size());
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) file.error = errno;
      if (got <= 0) break;
      file.text.append(chunk.data(), static_cast<std::size_t>(got));
      if (file.text.size() > kMaxConfigBytes) {
        file.error = EFBIG;  // not a configuration file (say, -C /dev/zero)
        break;
      }
    }
    ::explicit_bzero(chunk.data(), chunk.size());
  }
  if (fd >= 0) ::close(fd);
  return file;
}

// toml++ reports syntax errors by exception; this is the edge where they become values.
bool parse_toml(const std::string& path, std::string_view text, toml::table& out,
                std::string& error) {
  try {
    out = toml::parse(text, path);
    return true;
  } catch (const toml::parse_error& e) {
    error = fmt::format("{}:{}:{}: {}", path, e.source().begin.line, e.source().begin.column,
                        e.description());
    return false;
  }
}

// The password values live on in toml++'s nodes; overwrite them before the tree is freed.
void wipe_passwords(toml::table& root) {
  root.for_each([](const toml::key& key, auto& node) {
    if constexpr (toml::is_string<decltype(node)>) {
      if (key.str() == "password") wipe(node.get());
    } else if constexpr (toml::is_table<decltype(node)>) {
      wipe_passwords(node);
    }
  });
}

struct Tables {
  ConfigSettings defaults;
  std::optional<ConfigSettings> account;  // the -A one
  bool holds_password = false;            // in any table, chosen or not
};

bool read_table(const toml::node& node, std::string_view name, const std::string& path,
                const std::string& directory, ConfigSettings& out, std::string& error) {
  out.directory = directory;
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    error = fmt::format("{}:{}: '{}' must be a table", path, node.source().begin.line, name);
    return false;
  }
  return read_settings(*table, path, out, error);
}

// Every account is checked, not only the chosen one: a mistake should surface when the file is
// written, not on the day a cron job first uses that account.
bool read_accounts(const toml::node& node, const std::string& path, const std::string& directory,
                   const std::optional<std::string>& chosen, Tables& tables, std::string& error) {
  const toml::table* accounts = node.as_table();
  if (accounts == nullptr) {
    error = fmt::format("{}:{}: 'account' must hold [account.NAME] tables", path,
                        node.source().begin.line);
    return false;
  }
  for (const auto& [name, account_node] : *accounts) {
    ConfigSettings settings;
    if (!read_table(account_node, fmt::format("account.{}", name.str()), path, directory, settings,
                    error)) {
      return false;
    }
    tables.holds_password = tables.holds_password || settings.password.has_value();
    if (chosen && *chosen == name.str()) tables.account = std::move(settings);
  }
  return true;
}

bool read_tables(const toml::table& root, const std::string& path,
                 const std::optional<std::string>& account, Tables& tables, std::string& error) {
  const std::string directory = std::filesystem::path(path).parent_path().string();
  tables.defaults.directory = directory;  // also when the file has no [defaults] table
  for (const auto& [key, node] : root) {
    bool ok = false;
    if (key.str() == "defaults") {
      ok = read_table(node, "defaults", path, directory, tables.defaults, error);
      tables.holds_password = tables.holds_password || tables.defaults.password.has_value();
    } else if (key.str() == "account") {
      ok = read_accounts(node, path, directory, account, tables, error);
    } else {
      error = fmt::format("{}:{}: unknown key '{}' (keys belong in [defaults] or [account.NAME])",
                          path, key.source().begin.line, key.str());
    }
    if (!ok) return false;
  }
  return true;
}

ConfigLoad settle(const std::string& path, unsigned mode, const std::optional<std::string>& account,
                  Tables& tables) {
  // Readable: others can read the password. Writable: others can point `relay` at a server of
  // their own and have the password sent there (docs/decisions.md). The sentence names what is
  // true of the file; read permission is the one to name when both are.
  if (tables.holds_password && (mode & 077) != 0) {
    const char* const how = (mode & 044) != 0   ? "readable"
                            : (mode & 022) != 0 ? "writable"
                                                : "executable";
    return refuse(path, fmt::format("{}: holds a password but is {} by group or others "
                                    "(chmod 600 {})",
                                    path, how, path));
  }
  if (account && !tables.account) {
    return refuse(
        path, fmt::format("{}: no account '{}' ([account.{}] table)", path, *account, *account));
  }
  if (tables.account) overlay(tables.defaults, *tables.account);
  ConfigLoad load;
  load.path = path;
  load.settings = std::move(tables.defaults);
  return load;
}

}  // namespace

std::vector<std::string> default_config_paths() {
  std::vector<std::string> paths;
  if (const std::string home = user_config_home(); !home.empty()) {
    paths.push_back(home + "/smtpsend/config.toml");
  }
  paths.emplace_back("/etc/smtpsend.toml");
  return paths;
}

ConfigLoad parse_config(const std::string& path, std::string_view text, unsigned mode,
                        const std::optional<std::string>& account) {
  toml::table root;
  std::string error;
  if (!parse_toml(path, text, root, error)) return refuse(path, std::move(error));
  Tables tables;
  const bool ok = read_tables(root, path, account, tables, error);
  wipe_passwords(root);
  if (!ok) return refuse(path, std::move(error));
  return settle(path, mode, account, tables);
}

ConfigLoad load_config(const std::optional<std::string>& explicit_path,
                       std::span<const std::string> default_paths,
                       const std::optional<std::string>& account) {
  if (explicit_path) {
    FileText file = read_file(*explicit_path);
    if (file.error != 0) {
      return refuse(*explicit_path, fmt::format("cannot read configuration file {}: {}",
                                                *explicit_path, std::strerror(file.error)));
    }
    ConfigLoad load = parse_config(*explicit_path, file.text, file.mode, account);
    wipe(file.text);
    return load;
  }
  for (const std::string& path : default_paths) {
    FileText file = read_file(path);
    if (file.error == ENOENT) continue;  // a default location need not exist
    if (file.error != 0) {
      return refuse(path, fmt::format("cannot read configuration file {}: {}", path,
                                      std::strerror(file.error)));
    }
    ConfigLoad load = parse_config(path, file.text, file.mode, account);
    wipe(file.text);
    return load;
  }
  if (account) {
    return refuse("", fmt::format("no configuration file for account '{}' (looked for {})",
                                  *account, fmt::join(default_paths, " and ")));
  }
  return {};
}

}  // namespace smtpsend::cli
