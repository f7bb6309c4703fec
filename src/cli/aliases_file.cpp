#include "smtpsend/cli/aliases_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace smtpsend::cli {

// stdio rather than iostreams: it says why a read failed (EISDIR, EACCES) through errno. The
// file is fed to the parser as it is read, so nothing beyond the size bound is ever held.
bool read_aliases_file(const std::string& path, message::AliasTable& table, std::string& error) {
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                              &std::fclose);
  if (!file) {
    error = fmt::format("cannot read aliases file {}: {}", path, std::strerror(errno));
    return false;
  }
  message::AliasParser parser(path);
  char buffer[8192];
  std::size_t total = 0;
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    total += got;
    if (total > kMaxAliasesFileSize) {
      error = fmt::format("aliases file {} is larger than {} MiB", path, kMaxAliasesFileSize >> 20);
      return false;
    }
    if (!parser.feed(std::string_view(buffer, got))) {
      error = parser.error();
      return false;
    }
  }
  if (std::ferror(file.get()) != 0) {
    error = fmt::format("cannot read aliases file {}: {}", path,
                        errno != 0 ? std::strerror(errno) : "read error");
    return false;
  }
  if (!parser.finish()) {
    error = parser.error();
    return false;
  }
  table = parser.take();
  return true;
}

}  // namespace smtpsend::cli
