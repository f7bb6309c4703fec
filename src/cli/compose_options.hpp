// The composing options and -t (SPEC.md "Message input", "Composing"): the checks of -H that
// its conversion (option_table.cpp) makes, and the rules over several of them that
// command_line.cpp makes. Private to src/cli.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {

// -H "Name: value": no CR or LF (it would start a header field of its own), a name of printable
// ASCII, not a field the composer writes. False with a usage sentence (64).
bool check_header_option(std::string_view text, std::string& error);

// The rules over several options, once each option's value is in `request`: -H Bcc: without
// -t; -m together with composing. Files are not opened here: an unreadable --body or -a is 66
// when the message is built.
bool check_composition(const Request& request, bool messages_given, std::string& error);

}  // namespace smtpsend::cli
