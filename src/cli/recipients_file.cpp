#include "smtpsend/cli/recipients_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

namespace smtpsend::cli {
namespace {

std::string_view trimmed(std::string_view line) {
  constexpr std::string_view kBlanks = " \t\r\v\f";
  const auto first = line.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  const auto last = line.find_last_not_of(kBlanks);
  return line.substr(first, last - first + 1);
}

// stdio rather than iostreams: it reports why a read failed (EISDIR, EACCES, EIO) via errno.
bool read_all(std::FILE* file, std::string& text, int& error_number) {
  char buffer[8192];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, got);
  error_number = errno;
  return std::ferror(file) == 0;
}

}  // namespace

std::vector<std::string> parse_recipients_text(std::string_view text) {
  std::vector<std::string> recipients;
  // Editors on Windows start a UTF-8 file with a byte order mark (U+FEFF); it is not part of
  // the first address (which would then be refused as holding an invisible character).
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = trimmed(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (!line.empty() && !line.starts_with('#')) recipients.emplace_back(line);
  }
  return recipients;
}

bool read_recipients_file(const std::string& path, std::vector<std::string>& out,
                          std::string& error) {
  const bool from_stdin = path == "-";
  errno = 0;
  std::FILE* file = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  std::string text;
  int error_number = errno;
  const bool read = file != nullptr && read_all(file, text, error_number);
  if (file != nullptr && !from_stdin) std::fclose(file);
  if (!read) {
    error = fmt::format("cannot read {}: {}", from_stdin ? "recipients from stdin" : path,
                        error_number != 0 ? std::strerror(error_number) : "read error");
    return false;
  }
  auto recipients = parse_recipients_text(text);
  out.insert(out.end(), std::make_move_iterator(recipients.begin()),
             std::make_move_iterator(recipients.end()));
  return true;
}

}  // namespace smtpsend::cli
