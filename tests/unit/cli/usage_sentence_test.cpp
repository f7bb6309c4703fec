// CLI11's error messages become one line, for every command line that CLI11 parses.
#include "usage_sentence.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/cli/dkim_command_line.hpp"
#include "smtpsend/cli/doctor_command_line.hpp"

namespace smtpsend::cli {
namespace {

TEST(UsageSentence, LinesAreJoinedAndTrailingSpacesDropped) {
  const CLI::ValidationError error("--mx-port: 1 required\nPORT missing \n");
  EXPECT_EQ(usage_sentence(error), "--mx-port: 1 required PORT missing");
}

// An option CLI11 does not know is refused in one line by each parser that uses it.
TEST(UsageSentence, EveryParserReportsOneLine) {
  const HostIdentity host{"host.example.org", "alice"};
  const std::vector<std::string> bogus{"--bogus"};
  const DoctorCommandLine doctor = parse_doctor_command_line(bogus, host);
  EXPECT_EQ(doctor.exit_code, ExitCode::usage);
  EXPECT_FALSE(doctor.error.empty());
  EXPECT_EQ(doctor.error.find('\n'), std::string::npos) << doctor.error;
  const std::vector<std::string> keygen{"keygen", "--bogus"};
  const DkimCommandLine dkim = parse_dkim_command_line(keygen);
  EXPECT_EQ(dkim.exit_code, ExitCode::usage);
  EXPECT_EQ(dkim.error.find('\n'), std::string::npos) << dkim.error;
}

}  // namespace
}  // namespace smtpsend::cli
