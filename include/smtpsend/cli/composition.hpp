// cli/composition: what the composing options ask for (SPEC.md "Composing"), as the Request
// carries it. Plain data: command_line.cpp checks it, app/ builds the message from it.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace smtpsend::cli {

// SPEC.md "Composing": any of these makes stdin (or --body) the body of a message smtpsend
// builds, instead of a whole message.
struct Composition {
  std::optional<std::string> subject;    // -s; no CR or LF (checked: 64)
  std::vector<std::string> headers;      // -H "Name: value", in order; no CR or LF (64)
  std::optional<std::string> body_path;  // --body FILE; unset: stdin
  std::vector<std::string> attachments;  // -a FILE, in order
  // True when any composing option was given: the input is a body, not a message.
  bool active() const {
    return subject.has_value() || !headers.empty() || body_path.has_value() || !attachments.empty();
  }
};

}  // namespace smtpsend::cli
