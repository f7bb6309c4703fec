#include "smtpsend/doctor/check.hpp"

#include <algorithm>

namespace smtpsend::doctor {

std::string_view to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::pass:
      return "PASS";
    case Verdict::warn:
      return "WARN";
    case Verdict::fail:
      return "FAIL";
    case Verdict::unknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

ExitCode doctor_exit_code(std::span<const Check> checks) noexcept {
  const auto any = [&](Verdict verdict) {
    return std::any_of(checks.begin(), checks.end(),
                       [&](const Check& check) { return check.verdict == verdict; });
  };
  if (any(Verdict::fail)) return ExitCode::unavailable;
  if (any(Verdict::unknown)) return ExitCode::temp_fail;
  return ExitCode::ok;
}

}  // namespace smtpsend::doctor
