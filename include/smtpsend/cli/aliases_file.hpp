// cli/aliases_file: reading the --aliases / `aliases` file (SPEC.md "Aliases") into a table.
//
// Owns: opening and reading the file, at most kMaxAliasesFileSize octets, through the bounded
// parser of message/aliases.hpp. Must not: expand anything (message/aliases.hpp does, where the
// envelope is built). Errors: false with one sentence, "cannot read FILE: reason" or
// "FILE:LINE: ..."; the caller exits 78 (a configuration file).
#pragma once

#include <cstddef>
#include <string>

#include "smtpsend/message/aliases.hpp"

namespace smtpsend::cli {

// A larger file is refused: /etc/aliases holds a few dozen lines; 16 MiB of them is a mistake
// (a mailbox given by error), and reading it all would be unbounded (DESIGN.md rule 4).
inline constexpr std::size_t kMaxAliasesFileSize = 16u << 20;

bool read_aliases_file(const std::string& path, message::AliasTable& table, std::string& error);

}  // namespace smtpsend::cli
