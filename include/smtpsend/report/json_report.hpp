// report/json_report: the --json document (SPEC.md "Output"), built with Boost.JSON.
//
// {"messages":[{"message_id":…,"size":…,"queue_id":…|null,"recipients":[{"address":…,"status":…,
//   "reply":{"code":…,"enhanced":…,"text":…}|null,"host":…,"ip":…,"detail":…,
//   "may_duplicate":false}]}],"exit_code":N}
// Empty strings (host, ip, detail, enhanced) are null, so a script can tell "none" from text.
// Text is sanitised like the stderr lines, which also keeps the document valid UTF-8.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend::report {

struct MessageSummary {
  std::string message_id;  // as in the header, with <>
  std::size_t size = 0;    // bytes of the canonical (CRLF) message, before dot-stuffing
  std::string queue_id = {};  // the queue entry keeping some of its recipients; empty: none
};

// Results are placed under the message their message_index names, in the order given.
// The document ends with a newline.
std::string delivery_json(std::span<const MessageSummary> messages,
                          std::span<const RecipientResult> results, ExitCode exit_code);

}  // namespace smtpsend::report
