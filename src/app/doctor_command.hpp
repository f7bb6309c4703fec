// app/doctor_command: `smtpsend doctor` (SPEC.md "doctor"), dispatched from run.cpp; and its two
// output forms, one line per check or one JSON document. Private to src/app.
#pragma once

#include <ostream>
#include <span>
#include <string>

#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/doctor/check.hpp"

namespace smtpsend::app {

// `args` are the words after "doctor". Returns the exit status.
int run_doctor_command(std::span<const std::string> args, const cli::HostIdentity& host,
                       std::ostream& out, std::ostream& err);

// "PASS     port25: evidence; fix" per check, the verdict padded so the names line up; no
// "; fix" when there is nothing to do. Network text is sanitised (DESIGN.md rule 10).
std::string doctor_text(std::span<const doctor::Check> checks);
// {"checks":[{"check":…,"verdict":"PASS",…,"fix":…}],"exit_code":N}, one line.
std::string doctor_json(std::span<const doctor::Check> checks, ExitCode exit_code);

}  // namespace smtpsend::app
