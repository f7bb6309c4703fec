// doctor/check: one line of `smtpsend doctor` (SPEC.md "doctor") as a value, and the run's exit
// code. Pure; no I/O.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend::doctor {

enum class Verdict { pass, warn, fail, unknown };

// "PASS", "WARN", "FAIL", "UNKNOWN": capitals in the text line and in JSON alike (SPEC.md).
std::string_view to_string(Verdict verdict) noexcept;

struct Check {
  std::string name;      // "port25", "public-ip", "ptr", "helo", "spf", "spf-helo", "dkim", ...
  Verdict verdict = Verdict::unknown;
  std::string evidence;  // what was seen, one sentence
  std::string fix;       // what to do; empty when there is nothing to do
  friend bool operator==(const Check&, const Check&) = default;
};

// SPEC.md "doctor": 69 when a check fails, else 75 when a check is UNKNOWN (only temporary DNS or
// network trouble leaves one so), else 0.
ExitCode doctor_exit_code(std::span<const Check> checks) noexcept;

}  // namespace smtpsend::doctor
