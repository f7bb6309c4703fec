#include "smtpsend/cli/recipients_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace smtpsend::cli {
namespace {

std::string_view trimmed(std::string_view line) {
  constexpr std::string_view kBlanks = " \t\r\v\f";
  const auto first = line.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  const auto last = line.find_last_not_of(kBlanks);
  return line.substr(first, last - first + 1);
}

bool read_all(std::istream& in, std::string& text) {
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return !in.bad();
}

}  // namespace

std::vector<std::string> parse_recipients_text(std::string_view text) {
  std::vector<std::string> recipients;
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
  std::string text;
  if (path == "-") {
    if (!read_all(std::cin, text)) {
      error = "cannot read recipients from stdin";
      return false;
    }
  } else {
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file || !read_all(file, text)) {
      const int saved = errno;
      error =
          fmt::format("cannot read {}: {}", path, saved != 0 ? std::strerror(saved) : "read error");
      return false;
    }
  }
  auto recipients = parse_recipients_text(text);
  out.insert(out.end(), std::make_move_iterator(recipients.begin()),
             std::make_move_iterator(recipients.end()));
  return true;
}

}  // namespace smtpsend::cli
