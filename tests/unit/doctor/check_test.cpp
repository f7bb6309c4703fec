#include "smtpsend/doctor/check.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smtpsend::doctor {
namespace {

Check with(Verdict verdict) {
  return Check{"x", verdict, "e", ""};
}

TEST(DoctorVerdict, SpelledInCapitals) {
  EXPECT_EQ(to_string(Verdict::pass), "PASS");
  EXPECT_EQ(to_string(Verdict::warn), "WARN");
  EXPECT_EQ(to_string(Verdict::fail), "FAIL");
  EXPECT_EQ(to_string(Verdict::unknown), "UNKNOWN");
}

struct ExitCase {
  std::vector<Verdict> verdicts;
  ExitCode expected;
};

TEST(DoctorExitCode, FailBeatsUnknownBeatsPass) {
  const std::vector<ExitCase> cases{
      {{}, ExitCode::ok},
      {{Verdict::pass, Verdict::warn}, ExitCode::ok},
      {{Verdict::pass, Verdict::unknown}, ExitCode::temp_fail},
      {{Verdict::unknown, Verdict::fail}, ExitCode::unavailable},
      {{Verdict::warn, Verdict::fail, Verdict::pass}, ExitCode::unavailable},
  };
  for (const ExitCase& c : cases) {
    std::vector<Check> checks;
    for (Verdict v : c.verdicts) checks.push_back(with(v));
    EXPECT_EQ(doctor_exit_code(checks), c.expected) << checks.size();
  }
}

}  // namespace
}  // namespace smtpsend::doctor
