// app/run: the program's edge. Parses the command line, loads the messages, builds each
// envelope, delivers (or plans, with --dry-run), reports, and returns the exit status.
//
// Owns: the order of those steps, and the only catch of exceptions in the program
// (std::bad_alloc -> 71, anything else -> 70, one line on stderr). Nothing below run() calls
// exit(). Usage and input errors (64, 65, 66) stop before anything is sent. The exit status of
// a delivery comes only from smtpsend::exit_code_for (core/outcome.hpp).
#pragma once

namespace smtpsend {

int run(int argc, char** argv);

}  // namespace smtpsend
