// report/failure_lines: the one stderr line per failed or deferred recipient (SPEC.md "Output").
//
// After a reply:  smtpsend: <rcpt>: failed|deferred: <code> <enhanced|-> <text> (<host>[<ip>])
// Without one:    smtpsend: <rcpt>: failed|deferred: <one sentence>
// Queued (smtpsend --queue deferred): smtpsend: <rcpt>: queued (<id>): <reason, as above>
// Delivered recipients get no line; success is silent. Everything printed is sanitised.
// Must not: decide a recipient's fate or the exit status.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend::report {

// The line without its newline; nullopt for a delivered recipient.
std::optional<std::string> failure_line(const RecipientResult& result);

// Writes one line per failed or deferred result, in order.
void write_failure_lines(std::ostream& out, std::span<const RecipientResult> results);

// "smtpsend: <sentence>" for a fatal error (usage, input, internal), sanitised to one line.
std::string fatal_line(std::string_view sentence);

}  // namespace smtpsend::report
