// The exit status of a run without a report comes from its error code, not from its sentence.
#include <gtest/gtest.h>

#include <system_error>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/core/outcome.hpp"

namespace smtpsend {
namespace {

TEST(ExitCodeForFatal, OurBugIsSoftwareAnythingElseIsTheSystem) {
  EXPECT_EQ(exit_code_for_fatal(make_error_code(Errc::internal)), ExitCode::software);
  EXPECT_EQ(exit_code_for_fatal(make_error_code(Errc::dns_error)), ExitCode::os_error);
  EXPECT_EQ(exit_code_for_fatal(std::make_error_code(std::errc::too_many_files_open)),
            ExitCode::os_error);
}

}  // namespace
}  // namespace smtpsend
