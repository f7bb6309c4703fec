// report/sanitize: server and DNS text made safe to print (DESIGN.md rule 10).
//
// A hostile server must not be able to move the cursor, rewrite earlier lines, or forge a
// second report line, and --json must stay valid UTF-8. So every byte below 0x20 and 0x7f
// becomes '?', as does every byte that is not part of well-formed UTF-8 and every C1 control
// (U+0080..U+009F, which some terminals obey). Well-formed UTF-8 text (SMTPUTF8 replies,
// UTF-8 addresses) passes unchanged.
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::report {

std::string sanitize_server_text(std::string_view text);

}  // namespace smtpsend::report
