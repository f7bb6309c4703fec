// message/dot_line_input: standard input as sendmail reads it without -i/-oi: a line holding
// only "." ends the message, and nothing after it is read (sendmail(8) -i; Postfix's
// sendmail(1) -i). Only the sendmail personality uses it; smtpsend itself reads to end of input.
//
// A line is its bytes up to LF; "." and ".\r" are the dot line (a CR before the LF is
// sendmail's and Postfix's line ending too), and so is a last line "." without LF. ".." or
// "x." are ordinary lines. Errors: Errc::input_unreadable (66).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

struct DotLineSearch {
  std::optional<std::size_t> dot_line;  // offset where the dot line starts (= message size)
  std::size_t resume = 0;               // a line start: search more input from here
};

// Looks for the dot line in `input` among lines starting at or after `from` (a line start).
// With `input_complete` false, an unfinished last line is left for the next call.
DotLineSearch find_dot_line(std::string_view input, std::size_t from, bool input_complete);

// Reads standard input up to the dot line (excluded) or end of input, whichever comes first.
bool read_stdin_until_dot_line(std::string& out, LoadError& error);

}  // namespace smtpsend::message
