// CLI11's error messages as the contract's one line (SPEC.md: every bad input gets a clear
// one-line error). Private to src/cli; every parser of a command line (smtpsend's own, queue,
// doctor, dkim) reports CLI11's errors through it.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace smtpsend::cli {

// CLI11's sentences are good but sometimes span lines: the lines joined by spaces, trailing
// spaces dropped.
std::string usage_sentence(const CLI::ParseError& error);

}  // namespace smtpsend::cli
