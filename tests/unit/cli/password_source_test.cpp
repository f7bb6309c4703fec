#include "smtpsend/cli/password_source.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smtpsend::cli {
namespace {

class PasswordSource : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smtpsend-password-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    ::unsetenv(kPasswordEnvironmentVariable);
  }
  void TearDown() override {
    ::unsetenv(kPasswordEnvironmentVariable);
    std::filesystem::remove_all(dir_);
  }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    ::chmod(path.c_str(), 0700);
    return path.string();
  }

  std::filesystem::path dir_;
};

std::string revealed(const PasswordOutcome& outcome) {
  EXPECT_EQ(outcome.error, "");
  EXPECT_EQ(outcome.exit_code, ExitCode::ok);
  return outcome.secret ? std::string(outcome.secret->reveal()) : "<none>";
}

TEST(Secret, PrintsRedactedAndComparesByValue) {
  const Secret secret("hunter2");
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "<redacted>");
  EXPECT_EQ(secret.reveal(), "hunter2");
  Secret moved(Secret("x"));
  EXPECT_EQ(moved.reveal(), "x");
  Secret source("long enough to live on the heap, not in the string object");
  Secret target = std::move(source);
  EXPECT_TRUE(source.empty());  // NOLINT(bugprone-use-after-move): the source is wiped
  EXPECT_EQ(target, Secret("long enough to live on the heap, not in the string object"));
}

TEST(Secret, WipeClearsEveryByte) {
  std::string text = "abc";
  const char* data = text.data();
  wipe(text);
  EXPECT_TRUE(text.empty());
  EXPECT_EQ(std::string(data, 3), std::string(3, '\0'));
}

TEST(FirstLine, StripsLfCrLfAndLoneCr) {
  EXPECT_EQ(first_line("pw\nsecond\n"), "pw");
  EXPECT_EQ(first_line("pw\r\nsecond"), "pw");
  EXPECT_EQ(first_line("pw\r"), "pw");
  EXPECT_EQ(first_line("pw"), "pw");
  EXPECT_EQ(first_line("\nsecond"), "");
}

TEST_F(PasswordSource, FileFirstLineOnly) {
  EXPECT_EQ(revealed(read_password_file(write("pw", "s3cret\nother line\n"))), "s3cret");
}

TEST_F(PasswordSource, FileCrLfStripped) {
  EXPECT_EQ(revealed(read_password_file(write("pw", "s3cret\r\n"))), "s3cret");
  EXPECT_EQ(revealed(read_password_file(write("pw2", "no newline"))), "no newline");
}

TEST_F(PasswordSource, FileUnreadableIsNoInput) {
  const std::string path = (dir_ / "missing").string();
  const PasswordOutcome outcome = read_password_file(path);
  EXPECT_FALSE(outcome.secret);
  EXPECT_EQ(outcome.exit_code, ExitCode::no_input);
  EXPECT_EQ(outcome.error, "cannot read password file " + path + ": No such file or directory");
}

TEST_F(PasswordSource, FileWithEmptyFirstLineIsAnError) {
  const std::string path = write("pw", "\nsecond\n");
  const PasswordOutcome outcome = read_password_file(path);
  EXPECT_FALSE(outcome.secret);
  EXPECT_EQ(outcome.exit_code, ExitCode::no_input);
  EXPECT_EQ(outcome.error, "password file " + path + " holds no password on its first line");
}

TEST(NeedsShell, MetacharactersDecide) {
  EXPECT_FALSE(needs_shell("pass show mail"));
  EXPECT_FALSE(needs_shell("/usr/bin/secret-tool lookup user me"));
  EXPECT_TRUE(needs_shell("pass show mail | head -1"));
  EXPECT_TRUE(needs_shell("echo $HOME"));
  EXPECT_TRUE(needs_shell("gpg -d 'my file'"));
  EXPECT_TRUE(needs_shell("cat ~/pw"));
}

TEST_F(PasswordSource, CommandWithoutShellKeepsArgumentsLiteral) {
  // Run directly, an argument that a shell would expand stays as written; printf's %s would be
  // a shell metacharacter ('%'), so use a script that echoes its arguments.
  const std::string script = write("args.sh", "#!/bin/sh\necho \"[$1][$2]\"\n");
  EXPECT_EQ(revealed(run_password_command(script + "  one\ttwo")), "[one][two]");
}

TEST_F(PasswordSource, CommandWithoutShellDoesNotRunAShell) {
  // A bare program name is found on $PATH by posix_spawnp; the first line of its stdout counts.
  EXPECT_EQ(revealed(run_password_command("echo direct")), "direct");
}

TEST_F(PasswordSource, CommandWithMetacharactersRunsInAShell) {
  EXPECT_EQ(revealed(run_password_command("printf 'a b\\r\\nsecond\\n' | cat")), "a b");
  ::setenv("SMTPSEND_TEST_WORD", "from-env", 1);
  EXPECT_EQ(revealed(run_password_command("echo $SMTPSEND_TEST_WORD")), "from-env");
  ::unsetenv("SMTPSEND_TEST_WORD");
}

// A password or token command, and whatever it runs, must not inherit $SMTPSEND_PASSWORD; the
// rest of the environment (PATH, HOME, GNUPGHOME, ...) it needs and keeps.
TEST_F(PasswordSource, CommandsDoNotInheritThePasswordVariable) {
  ::setenv(kPasswordEnvironmentVariable, "hunter2", 1);
  ::setenv("SMTPSEND_PASSWORD_NOT", "kept", 1);  // a longer name with the same prefix is kept
  ::setenv("SMTPSEND_TEST_WORD", "kept too", 1);
  const std::string report =
      write("report.sh",
            "#!/bin/sh\necho "
            "\"[${SMTPSEND_PASSWORD-unset}][$SMTPSEND_PASSWORD_NOT][$SMTPSEND_TEST_WORD]\"\n");
  EXPECT_EQ(revealed(run_password_command(report)), "[unset][kept][kept too]");
  // Through /bin/sh -c, and for the OAuth token command, the same.
  EXPECT_EQ(revealed(run_password_command("echo \"${SMTPSEND_PASSWORD-unset}\"")), "unset");
  EXPECT_EQ(revealed(run_password_command(report, "OAuth token")), "[unset][kept][kept too]");
  const PasswordOutcome all = run_password_command("env | grep -c ^SMTPSEND_PASSWORD= ; true");
  EXPECT_EQ(revealed(all), "0");
  // Our own environment is left as it was.
  EXPECT_STREQ(std::getenv(kPasswordEnvironmentVariable), "hunter2");
  ::unsetenv("SMTPSEND_PASSWORD_NOT");
  ::unsetenv("SMTPSEND_TEST_WORD");
}

TEST_F(PasswordSource, CommandNonZeroExitIsAnError) {
  const PasswordOutcome outcome = run_password_command("echo pw; exit 3");
  EXPECT_FALSE(outcome.secret);
  EXPECT_EQ(outcome.exit_code, ExitCode::no_input);
  EXPECT_EQ(outcome.error, "password command 'echo pw; exit 3' exited with status 3");
  EXPECT_EQ(run_password_command("false").error, "password command 'false' exited with status 1");
}

// --oauth-token-cmd runs through the same code; its sentences name the token.
TEST_F(PasswordSource, TokenCommandSentencesNameTheToken) {
  EXPECT_EQ(run_password_command("false", "OAuth token").error,
            "OAuth token command 'false' exited with status 1");
  EXPECT_EQ(run_password_command("true", "OAuth token").error,
            "OAuth token command 'true' printed no OAuth token");
}

TEST_F(PasswordSource, CommandNotFound) {
  const PasswordOutcome outcome = run_password_command("/nonexistent/smtpsend-pw");
  EXPECT_EQ(outcome.exit_code, ExitCode::no_input);
  EXPECT_EQ(outcome.error,
            "cannot run password command '/nonexistent/smtpsend-pw': No such file or directory");
}

TEST_F(PasswordSource, CommandStdinIsDevNull) {
  // `cat` copies stdin; from /dev/null it prints nothing, so there is no password, and the test
  // does not hang waiting on the test runner's stdin.
  EXPECT_EQ(run_password_command("cat").error, "password command 'cat' printed no password");
  EXPECT_EQ(revealed(run_password_command("readlink /proc/self/fd/0")), "/dev/null");
}

TEST_F(PasswordSource, CommandOutputIsBounded) {
  const PasswordOutcome outcome = run_password_command("yes");
  EXPECT_FALSE(outcome.secret);
  EXPECT_EQ(outcome.error, "password command 'yes' printed more than 65536 bytes");
}

TEST_F(PasswordSource, EnvironmentVariable) {
  EXPECT_FALSE(password_from_environment());
  ::setenv(kPasswordEnvironmentVariable, "from-env", 1);
  ASSERT_TRUE(password_from_environment());
  EXPECT_EQ(password_from_environment()->reveal(), "from-env");
  ::setenv(kPasswordEnvironmentVariable, "", 1);
  EXPECT_FALSE(password_from_environment());
}

TEST_F(PasswordSource, PrecedenceFileCommandEnvironmentConfig) {
  PasswordSources sources;
  sources.config_password = Secret("config");
  EXPECT_EQ(revealed(obtain_password(sources)), "config");
  sources.config_command = "echo config-cmd";
  EXPECT_EQ(revealed(obtain_password(sources)), "config-cmd");
  ::setenv(kPasswordEnvironmentVariable, "env", 1);
  EXPECT_EQ(revealed(obtain_password(sources)), "env");
  sources.command = "echo cli-cmd";
  EXPECT_EQ(revealed(obtain_password(sources)), "cli-cmd");
  sources.file = write("pw", "cli-file\n");
  EXPECT_EQ(revealed(obtain_password(sources)), "cli-file");
}

TEST_F(PasswordSource, NoSourceIsNoPassword) {
  const PasswordOutcome outcome = obtain_password(PasswordSources{});
  EXPECT_FALSE(outcome.secret);
  EXPECT_EQ(outcome.exit_code, ExitCode::ok);
}

}  // namespace
}  // namespace smtpsend::cli
