// Every option of the table (src/cli/option_table.cpp) is documented: on a tag line of the man
// page's option list, in the first column of a table of docs/cli.md, and, when the
// configuration file may set it, in the first column of docs/configuration.md's key table. An
// option added to the table without its documentation fails here (issue 11).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "option_table.hpp"

namespace smtpsend::cli {
namespace {

std::string read_doc(const std::string& relative) {
  const std::string path = std::string(SMTPSEND_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The words of `text`: option spellings and key names, split at the punctuation around them
// ("-m, --message FILE" gives "-m", "--message", "FILE"; "RECIPIENT..." gives "RECIPIENT").
void add_words(const std::string& text, std::set<std::string>& words) {
  static const std::regex kSeparators(R"([\s,/"=\[\]()|\\]+|\.\.\.)");
  for (std::sregex_token_iterator it(text.begin(), text.end(), kSeparators, -1), end; it != end;
       ++it) {
    if (it->length() > 0) words.insert(*it);
  }
}

// The man page's option tags: the line after each ".TP", with roff's escapes undone
// ("\-\-mx\-port", "\fR, \fP", "\(dq").
std::set<std::string> man_page_tags(const std::string& page) {
  static const std::regex kFont(R"(\\f[BIRP])");
  std::set<std::string> words;
  std::istringstream lines(page);
  std::string line;
  bool tag_next = false;
  while (std::getline(lines, line)) {
    if (tag_next) {
      line = std::regex_replace(line, std::regex(R"(\\-)"), "-");
      line = std::regex_replace(line, kFont, "");
      line = std::regex_replace(line, std::regex(R"(\\\(dq)"), "\"");
      add_words(line, words);
    }
    tag_next = line == ".TP";
  }
  return words;
}

// The first cell of a Markdown table row ("| `-4`, `-6` | ..."), where docs/cli.md lists
// options and docs/configuration.md keys; "\|" inside a cell is not a cell boundary.
std::string first_cell(const std::string& row) {
  std::size_t end = 1;
  while (end < row.size() && !(row[end] == '|' && row[end - 1] != '\\')) ++end;
  return row.substr(1, end - 1);
}

// The words of the code spans in the first cells of a Markdown page's table rows.
std::set<std::string> first_column_words(const std::string& page) {
  static const std::regex kSpan("`([^`]*)`");
  std::set<std::string> words;
  std::istringstream lines(page);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("| `")) continue;
    const std::string cell = first_cell(line);
    for (std::sregex_iterator it(cell.begin(), cell.end(), kSpan), end; it != end; ++it) {
      add_words((*it)[1].str(), words);
    }
  }
  return words;
}

// Every spelling of every option ("-m" and "--message") is among `words` of `page`.
void expect_every_option_in(const std::set<std::string>& words, std::string_view where) {
  for (const OptionSpec& spec : option_table()) {
    if (spec.shape == Shape::key_only) continue;
    for (const std::string_view spelling : spellings(spec)) {
      EXPECT_TRUE(words.contains(std::string(spelling))) << spelling << " is not " << where;
    }
  }
}

TEST(OptionDocs, TheManPageListsEveryOption) {
  expect_every_option_in(man_page_tags(read_doc("docs/smtpsend.1")),
                         "on a .TP line of docs/smtpsend.1");
}

TEST(OptionDocs, CliMdListsEveryOption) {
  expect_every_option_in(first_column_words(read_doc("docs/cli.md")),
                         "in the first column of a table of docs/cli.md");
}

// docs/cli.md's option table ends with the default: the table's stated one.
TEST(OptionDocs, CliMdStatesTheTablesDefaults) {
  const std::string page = read_doc("docs/cli.md");
  for (const OptionSpec& spec : option_table()) {
    if (spec.default_value.empty()) continue;
    const std::string spelling = "`" + std::string(command_line_name(spec)) + " ";
    std::istringstream lines(page);
    std::string line;
    std::string default_cell;
    while (std::getline(lines, line)) {
      if (!line.starts_with("| " + spelling)) continue;
      const std::size_t last = line.rfind('|', line.size() - 2);
      default_cell = line.substr(last + 1);
    }
    EXPECT_NE(default_cell.find(spec.default_value), std::string::npos)
        << spec.names << ": docs/cli.md's default column is '" << default_cell << "'";
  }
}

TEST(OptionDocs, ConfigurationMdListsEveryKey) {
  const std::set<std::string> keys = first_column_words(read_doc("docs/configuration.md"));
  for (const OptionSpec& spec : option_table()) {
    if (!is_file_key(spec.in_file)) continue;
    EXPECT_TRUE(keys.contains(std::string(config_key(spec))))
        << config_key(spec) << " is not in docs/configuration.md's key table";
  }
}

// The checks above must be able to fail: a page without the option is caught.
TEST(OptionDocs, AMissingOptionIsNoticed) {
  EXPECT_FALSE(man_page_tags(".TP\n.BI \\-\\-mx\\-port \" PORT\"\n").contains("--dns-server"));
  EXPECT_TRUE(man_page_tags(".TP\n.BI \\-m \" FILE\" \"\\fR, \\fP\\-\\-message \" FILE\n")
                  .contains("--message"));
  EXPECT_FALSE(first_column_words("`--mx-port` in prose\n").contains("--mx-port"));
  EXPECT_FALSE(first_column_words("| `-f` | like `--mx-port` |\n").contains("--mx-port"));
  EXPECT_TRUE(first_column_words("| `-4`, `-6` | both |\n").contains("-6"));
  EXPECT_TRUE(
      first_column_words("| `--dsn-return full\\|hdrs` | RET |\n").contains("--dsn-return"));
  EXPECT_TRUE(first_column_words("| `ca-file`, `ca-path` | string |\n").contains("ca-path"));
}

}  // namespace
}  // namespace smtpsend::cli
