#include "smtpsend/cli/recipients_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

// A file in a fresh temporary directory, removed with the fixture.
class RecipientsFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smtpsend-cli-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

const HostIdentity kHost{"host.example.org", "alice"};
// Hermetic: no configuration file of the machine running the tests is read.
const std::vector<std::string> kNoConfigFiles;

TEST(RecipientsText, OneAddressPerLineInOrder) {
  EXPECT_EQ(parse_recipients_text("a@x.org\nb@y.org\n"),
            (std::vector<std::string>{"a@x.org", "b@y.org"}));
}

TEST(RecipientsText, BlankLinesCommentsAndSpacesIgnored) {
  EXPECT_EQ(parse_recipients_text("# team\n\n  a@x.org  \n\t# indented comment\n   \nb@y.org"),
            (std::vector<std::string>{"a@x.org", "b@y.org"}));
}

TEST(RecipientsText, CrLfLinesAndHashInsideAddress) {
  EXPECT_EQ(parse_recipients_text("a#b@x.org\r\nroot\r\n"),
            (std::vector<std::string>{"a#b@x.org", "root"}));
}

// Issue 10: a UTF-8 byte order mark at the start of the file is not part of the first address;
// one anywhere else is left for the address parser to refuse.
TEST(RecipientsText, AByteOrderMarkAtTheStartIsDropped) {
  EXPECT_EQ(parse_recipients_text("\xEF\xBB\xBF"
                                  "a@x.org\nb@y.org\n"),
            (std::vector<std::string>{"a@x.org", "b@y.org"}));
  EXPECT_EQ(parse_recipients_text("\xEF\xBB\xBF"
                                  "# list\na@x.org\n"),
            (std::vector<std::string>{"a@x.org"}));
  EXPECT_EQ(parse_recipients_text("a@x.org\n\xEF\xBB\xBF"
                                  "b@y.org\n"),
            (std::vector<std::string>{"a@x.org",
                                      "\xEF\xBB\xBF"
                                      "b@y.org"}));
}

TEST(RecipientsText, EmptyTextHasNoRecipients) {
  EXPECT_TRUE(parse_recipients_text("").empty());
  EXPECT_TRUE(parse_recipients_text("\n# only a comment\n").empty());
}

TEST_F(RecipientsFile, AppendsAfterCommandLineRecipients) {
  const std::string path = write("list", "# list\nb@y.org\nc@z.org\n");
  const std::vector<std::string> args{"a@x.org", "--recipients-file", path};
  const CommandLine result = parse_command_line(args, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->recipients,
            (std::vector<std::string>{"a@x.org", "b@y.org", "c@z.org"}));
  EXPECT_EQ(result.request->recipients_file, path);
}

TEST_F(RecipientsFile, FileAloneSuppliesRecipients) {
  const std::string path = write("list", "b@y.org\n");
  const std::vector<std::string> args{"--recipients-file", path};
  const CommandLine result = parse_command_line(args, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->recipients, std::vector<std::string>{"b@y.org"});
}

TEST_F(RecipientsFile, OnlyCommentsMeansNoRecipients) {
  const std::string path = write("list", "# nobody yet\n\n");
  const std::vector<std::string> args{"--recipients-file", path};
  const CommandLine result = parse_command_line(args, kHost, kNoConfigFiles);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_EQ(result.error, "no recipients given");
}

TEST_F(RecipientsFile, UnreadableIsNoInput) {
  const std::string path = (dir_ / "missing").string();
  const std::vector<std::string> args{"a@x.org", "--recipients-file", path};
  const CommandLine result = parse_command_line(args, kHost, kNoConfigFiles);
  EXPECT_EQ(result.exit_code, ExitCode::no_input);
  EXPECT_FALSE(result.request.has_value());
  EXPECT_EQ(result.error, "cannot read " + path + ": No such file or directory");
}

TEST_F(RecipientsFile, ADirectoryIsUnreadable) {
  std::vector<std::string> out;
  std::string error;
  EXPECT_FALSE(read_recipients_file(dir_.string(), out, error));
  EXPECT_TRUE(error.starts_with("cannot read " + dir_.string() + ": ")) << error;
  EXPECT_TRUE(out.empty());
}

TEST(RecipientsFileStdin, ConflictsWithAMessageFromStdin) {
  const std::vector<std::string> args{"--recipients-file", "-"};
  const CommandLine result = parse_command_line(args, kHost, kNoConfigFiles);
  EXPECT_EQ(result.exit_code, ExitCode::usage);
  EXPECT_EQ(result.error, "stdin ('-') can be read only once");
}

}  // namespace
}  // namespace smtpsend::cli
