// message/dot_line_input: standard input as sendmail reads it without -i/-oi: a line holding
// only "." ends the message, and nothing after it is read (sendmail(8) -i; Postfix's
// sendmail(1) -i). Only the sendmail personality uses it; smtpsend itself reads to end of input.
//
// A line is its bytes up to LF; "." and ".\r" are the dot line (a CR before the LF is
// sendmail's and Postfix's line ending too), and so is a last line "." without LF. ".." or
// "x." are ordinary lines. The filter is sans-io: the reader (input_reader.cpp) feeds it what
// read(2) returns and spools what it lets through, so a message of any size is never held
// whole. Errors: none (every byte sequence is a message, possibly ended by the dot line).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtpsend::message {

// Feeds on input split anywhere. At most the two bytes of a line start that may still become
// the dot line ("." or ".\r") are held back until the next byte decides.
class DotLineFilter {
 public:
  // Appends to `out` the bytes of `in` that belong to the message; returns how many bytes of
  // `in` were consumed: all of them, or those up to and including the dot line's LF, after
  // which ended() is true and nothing more is taken.
  std::size_t feed(std::string_view in, std::string& out);
  // End of input: a last line "." or ".\r" without LF is the dot line (dropped).
  void finish() noexcept;
  bool ended() const noexcept { return state_ == State::ended; }

 private:
  enum class State {
    line_start,  // nothing of the current line seen
    dot,         // the line so far is "."
    dot_cr,      // the line so far is ".\r"
    in_line,     // the line is not the dot line; its LF starts the next
    ended,
  };
  State state_ = State::line_start;
};

}  // namespace smtpsend::message
