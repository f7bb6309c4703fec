// message/aliases: the parser (see include/smtpsend/message/aliases.hpp). The grammar is
// sendmail's aliases(5) as msmtp reads it; where they differ, see docs/decisions.md "Aliases".
#include <algorithm>
#include <string>

#include "smtpsend/message/aliases.hpp"

namespace smtpsend::message {
namespace {

constexpr std::string_view kBlanks = " \t";

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool has_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

}  // namespace

const AliasEntry* AliasTable::find(std::string_view name) const {
  const std::string key = lower(name);
  for (const AliasEntry& entry : entries) {
    if (entry.name == key) return &entry;
  }
  return nullptr;
}

bool is_address_target(std::string_view target) {
  // aliases(5): "|program", "/file" and ":include:list", also written in double quotes.
  if (target.size() >= 2 && target.front() == '"' && target.back() == '"') {
    target = trimmed(target.substr(1, target.size() - 2));
  }
  if (target.starts_with('|') || target.starts_with('/')) return false;
  return lower(target.substr(0, 9)) != ":include:";
}

AliasParser::AliasParser(std::string path) { table_.path = std::move(path); }

bool AliasParser::fail(std::size_t line, std::string_view sentence) {
  if (error_.empty()) error_ = table_.path + ":" + std::to_string(line) + ": " + std::string(sentence);
  return false;
}

bool AliasParser::feed(std::string_view bytes) {
  if (!error_.empty()) return false;
  while (!bytes.empty()) {
    const auto newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    // Bounded before appending: the line is refused as soon as it is too long, whatever follows.
    if (line_.size() + piece.size() > kMaxAliasLineLength + 1) {
      return fail(line_number_ + 1,
                  "a line is longer than " + std::to_string(kMaxAliasLineLength) +
                      " octets; continue a long list on lines that start with white space");
    }
    line_.append(piece);
    if (newline == std::string_view::npos) return true;
    bytes.remove_prefix(newline + 1);
    if (!line_done()) return false;
  }
  return true;
}

bool AliasParser::finish() {
  if (!error_.empty()) return false;
  if (!line_.empty() && !line_done()) return false;
  return close_entry();
}

bool AliasParser::line_done() {
  ++line_number_;
  std::string line = std::move(line_);
  line_.clear();
  if (line.ends_with('\r')) line.pop_back();
  if (line.size() > kMaxAliasLineLength) {
    return fail(line_number_, "a line is longer than " + std::to_string(kMaxAliasLineLength) +
                                  " octets; continue a long list on lines that start with white "
                                  "space");
  }
  // A file saved by a Windows editor starts with a byte order mark; it is not part of a name.
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  std::string_view view = line;
  if (line_number_ == 1 && view.starts_with(kUtf8Bom)) view.remove_prefix(kUtf8Bom.size());
  return process(view);
}

bool AliasParser::process(std::string_view line) {
  const std::string_view content = trimmed(line);
  if (content.empty() || content.starts_with('#')) return true;  // blank or a comment line
  if (has_control(line)) return fail(line_number_, "the line holds a control character");
  if (line.front() == ' ' || line.front() == '\t') {
    // aliases(5): a line starting with white space continues the entry above it.
    if (!open_) return fail(line_number_, "a continuation line (it starts with white space) has no alias before it");
    return add_targets(content);
  }
  if (!close_entry()) return false;
  return start_entry(line);
}

bool AliasParser::start_entry(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return fail(line_number_, "expected 'name: address, address'");
  }
  const std::string_view name = trimmed(line.substr(0, colon));
  if (name.empty() || name.find_first_of(kBlanks) != std::string_view::npos) {
    return fail(line_number_, "expected 'name: address, address': the alias name is missing or holds white space");
  }
  const auto [first, added] = lines_.emplace(lower(name), line_number_);
  if (!added) {
    return fail(line_number_, "alias '" + first->first + "' is defined twice (first on line " +
                                  std::to_string(first->second) + ")");
  }
  if (table_.entries.size() == kMaxAliasEntries) {
    return fail(line_number_, "more than " + std::to_string(kMaxAliasEntries) + " aliases");
  }
  table_.entries.push_back(AliasEntry{lower(name), {}, line_number_});
  open_ = true;
  return add_targets(trimmed(line.substr(colon + 1)));
}

// Targets are separated by commas, except inside double quotes ("|/usr/bin/vacation, x").
bool AliasParser::add_targets(std::string_view text) {
  AliasEntry& entry = table_.entries.back();
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] == '"') quoted = !quoted;
    if (i < text.size() && (quoted || text[i] != ',')) continue;
    const std::string_view target = trimmed(text.substr(start, i - start));
    start = i + 1;
    if (target.empty()) continue;
    if (entry.targets.size() == kMaxAliasTargets) {
      return fail(line_number_, "alias '" + entry.name + "' has more than " +
                                    std::to_string(kMaxAliasTargets) + " targets");
    }
    entry.targets.push_back(AliasTarget{std::string(target), line_number_});
  }
  if (quoted) return fail(line_number_, "a double quote is not closed on its line");
  return true;
}

bool AliasParser::close_entry() {
  if (!open_) return true;
  open_ = false;
  const AliasEntry& entry = table_.entries.back();
  if (entry.targets.empty()) {
    return fail(entry.line, "alias '" + entry.name + "' has no target");
  }
  return true;
}

bool parse_aliases(std::string_view text, std::string path, AliasTable& table, std::string& error) {
  AliasParser parser(std::move(path));
  if (!parser.feed(text) || !parser.finish()) {
    error = parser.error();
    return false;
  }
  table = parser.take();
  return true;
}

}  // namespace smtpsend::message
