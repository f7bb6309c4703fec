// message/aliases: local recipients rewritten by an aliases file (SPEC.md "Aliases"), in the
// format of sendmail's aliases(5) and msmtp's aliases file.
//
// Owns: the bounded, incremental parser of the file's text (`name: address, address`, `#`
// comment lines, continuation lines that start with white space, `default:` catching every other
// local name, names compared case-insensitively), and the recursive expansion of a message's
// envelope recipients through the table. Must not: read the file (cli/aliases_file.hpp does, as
// cli reads every file it names) or decide exit codes (the caller maps a table or expansion
// error to 78 and a refused recipient to a failed one). Errors: one sentence that starts with
// "FILE:LINE: ".
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "smtpsend/message/address.hpp"

namespace smtpsend::message {

// What the parser holds at most (DESIGN.md rule 4): a physical line, the entries of a file and
// the targets of one entry. A longer list is written on continuation lines.
inline constexpr std::size_t kMaxAliasLineLength = 8192;
inline constexpr std::size_t kMaxAliasEntries = 50000;
inline constexpr std::size_t kMaxAliasTargets = 10000;
// SPEC.md: "a loop or more than 10 levels is an error".
inline constexpr std::size_t kMaxAliasDepth = 10;

struct AliasTarget {
  std::string text;       // as written, surrounding white space removed
  std::size_t line = 0;   // the physical line it is on
  friend bool operator==(const AliasTarget&, const AliasTarget&) = default;
};

struct AliasEntry {
  std::string name;  // lower case (aliases(5): names are case-insensitive)
  std::vector<AliasTarget> targets;
  std::size_t line = 0;  // where `name:` is
  friend bool operator==(const AliasEntry&, const AliasEntry&) = default;
};

struct AliasTable {
  std::string path;  // for "FILE:LINE" in every sentence
  std::vector<AliasEntry> entries;  // in file order; names unique
  // nullptr when `name` (any case) has no entry; "default" finds the catch-all.
  const AliasEntry* find(std::string_view name) const;
  const AliasEntry* catch_all() const { return find("default"); }
  bool empty() const noexcept { return entries.empty(); }
  friend bool operator==(const AliasTable&, const AliasTable&) = default;
};

// Fed the file's bytes in pieces of any size; the table is the same however they are split.
class AliasParser {
 public:
  explicit AliasParser(std::string path);
  // False on the first error (then error() says it; later calls return false).
  bool feed(std::string_view bytes);
  // The end of the file: the last line need not end in a newline.
  bool finish();
  const std::string& error() const noexcept { return error_; }
  AliasTable take() { return std::move(table_); }

 private:
  bool line_done();
  bool process(std::string_view line);
  bool start_entry(std::string_view line);
  bool add_targets(std::string_view text);
  bool close_entry();
  bool fail(std::size_t line, std::string_view sentence);

  AliasTable table_;
  std::unordered_map<std::string, std::size_t> lines_;  // name -> line of its entry
  std::string line_;
  std::size_t line_number_ = 0;
  bool open_ = false;  // table_.entries.back() is still taking continuation lines
  std::string error_;
};

// The whole text at once.
bool parse_aliases(std::string_view text, std::string path, AliasTable& table, std::string& error);

// aliases(5): a target that is a program, a file or an include, which smtpsend cannot deliver to.
bool is_address_target(std::string_view target);

// The domains whose recipients are local: the qualify domain, this host's name, `localhost`.
// A recipient without a domain was qualified with the qualify domain when it was parsed.
struct LocalDomains {
  std::string qualify_domain;
  std::string host_name;
};

// A target of a recipient that is not an address: one sentence naming file and line.
struct AliasRefusal {
  std::string recipient;  // the envelope recipient as given (EnvelopeAddress::text)
  std::string sentence;
};

struct AliasExpansion {
  std::vector<EnvelopeAddress> recipients;  // each mailbox once, in order of expansion
  std::vector<AliasRefusal> refused;        // one per target that is not an address
  std::string error;                        // a loop, too deep, a bad address: 78, nothing sent
};

// Each local recipient looked up by its local part (lower case) in `table`, then `default:`,
// recursively; a recipient that is not local, or local with neither an entry nor `default:`,
// stays as it is. A target written `\name` is not looked up again (aliases(5)). The catch-all is
// not applied to a name that it produced itself, so `default: admin` with no `admin:` entry
// gives admin@<qualify domain>, not a loop.
AliasExpansion expand_aliases(const AliasTable& table, std::span<const EnvelopeAddress> recipients,
                              const LocalDomains& local);

}  // namespace smtpsend::message
