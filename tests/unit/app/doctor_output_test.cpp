#include <gtest/gtest.h>

#include <vector>

#include "doctor_command.hpp"

namespace smtpsend::app {
namespace {

using doctor::Check;
using doctor::Verdict;

const std::vector<Check> kChecks{
    {"public-ip", Verdict::pass, "192.0.2.7 (--public-ip)", ""},
    {"ptr", Verdict::fail, "192.0.2.7 has no PTR record", "ask your provider"},
    {"dnsbl", Verdict::unknown, "odd \x1b[2J answer", "try again later"},
};

TEST(DoctorOutput, OneLinePerCheckVerdictsAligned) {
  EXPECT_EQ(doctor_text(kChecks),
            "PASS     public-ip: 192.0.2.7 (--public-ip)\n"
            "FAIL     ptr: 192.0.2.7 has no PTR record; ask your provider\n"
            "UNKNOWN  dnsbl: odd ?[2J answer; try again later\n");
}

TEST(DoctorOutput, JsonDocument) {
  EXPECT_EQ(doctor_json(kChecks, ExitCode::unavailable),
            R"j({"checks":[{"check":"public-ip","verdict":"PASS","evidence":"192.0.2.7 (--public-ip)","fix":""},)j"
            R"j({"check":"ptr","verdict":"FAIL","evidence":"192.0.2.7 has no PTR record","fix":"ask your provider"},)j"
            R"j({"check":"dnsbl","verdict":"UNKNOWN","evidence":"odd ?[2J answer","fix":"try again later"}],)j"
            R"j("exit_code":69})j"
            "\n");
  EXPECT_EQ(doctor_json({}, ExitCode::ok), "{\"checks\":[],\"exit_code\":0}\n");
}

}  // namespace
}  // namespace smtpsend::app
