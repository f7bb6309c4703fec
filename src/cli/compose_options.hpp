// The composing options and -t (SPEC.md "Message input", "Composing"): registration and the
// usage checks CLI11 cannot make. Private to src/cli; command_line.cpp wires them in.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {

struct ComposeRawOptions {
  bool read_recipients = false;          // -t
  std::optional<std::string> from_name;  // -F, --from-name
  std::optional<std::string> subject;    // -s
  std::vector<std::string> headers;      // -H
  std::optional<std::string> body;       // --body
  std::vector<std::string> attachments;  // -a
};

void add_compose_options(CLI::App& app, ComposeRawOptions& raw);

// Usage errors (64): a CR or LF in -s, -H or -F (they would start a header field of their
// own); -H without "Name:" or naming a field the composer owns; -H Bcc: without -t; -m together
// with composing.
// Files are not opened here: an unreadable --body or -a is 66 when the message is built.
bool apply_compose_options(const ComposeRawOptions& raw, bool messages_given, Request& request,
                           std::string& error);

}  // namespace smtpsend::cli
