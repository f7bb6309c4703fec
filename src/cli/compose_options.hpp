// The composing options and -t (SPEC.md "Message input", "Composing"): the usage checks CLI11
// cannot make. Private to src/cli; command_line.cpp wires them in.
#pragma once

#include <string>

#include "option_registration.hpp"
#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {

// Usage errors (64): a CR or LF in -s, -H or -F (they would start a header field of their
// own); -H without "Name:" or naming a field the composer owns; -H Bcc: without -t; -m together
// with composing.
// Files are not opened here: an unreadable --body or -a is 66 when the message is built.
bool apply_compose_options(const RawOptions& raw, bool messages_given, Request& request,
                           std::string& error);

}  // namespace smtpsend::cli
