// cli/recipients_file: --recipients-file (SPEC.md "Envelope").
//
// One recipient a line; surrounding white space is trimmed; blank lines and lines whose first
// non-blank character is '#' are ignored. A '#' later in a line is part of the address (RFC 5321
// allows it in a local part), so there are no trailing comments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::cli {

std::vector<std::string> parse_recipients_text(std::string_view text);

// Appends the file's recipients to `out`. On failure returns false with `error` set to one
// sentence ("cannot read list.txt: No such file or directory").
bool read_recipients_file(const std::string& path, std::vector<std::string>& out,
                          std::string& error);

}  // namespace smtpsend::cli
