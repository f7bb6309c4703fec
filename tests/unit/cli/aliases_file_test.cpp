// --aliases / `aliases` (SPEC.md "Aliases"): the file is read at parse time, a relative name in
// the configuration file is taken from that file's directory, and an unreadable, oversized or
// malformed file is 78 naming it (and the line) before anything is sent.
#include "smtpsend/cli/aliases_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoConfigFiles;

class AliasesFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("smtpsend-aliases-test-" + std::to_string(::getpid()) + "-" +
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

TEST_F(AliasesFile, TheOptionReadsTheTable) {
  const std::string path = write("aliases", "root: admin@example.com\n");
  const CommandLine result = parse_command_line(std::vector<std::string>{"--aliases", path, "root"},
                                                kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->aliases_path, path);
  ASSERT_NE(result.request->aliases.find("root"), nullptr);
  EXPECT_EQ(result.request->aliases.path, path);
}

TEST_F(AliasesFile, TheKeyIsRelativeToTheConfigurationFile) {
  write("aliases", "root: admin@example.com\n");
  const std::string config = write("config.toml", "[defaults]\naliases = \"aliases\"\n");
  const CommandLine result =
      parse_command_line(std::vector<std::string>{"-C", config, "root"}, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->aliases_path, (dir_ / "aliases").string());
  EXPECT_NE(result.request->aliases.find("root"), nullptr);
}

TEST_F(AliasesFile, TheOptionWinsOverTheKey) {
  write("aliases", "root: admin@example.com\n");
  const std::string other = write("other", "root: other@example.com\n");
  const std::string config = write("config.toml", "[defaults]\naliases = \"aliases\"\n");
  const CommandLine result = parse_command_line(
      std::vector<std::string>{"-C", config, "--aliases", other, "root"}, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_EQ(result.request->aliases_path, other);
}

TEST_F(AliasesFile, NoOptionNoTable) {
  const CommandLine result =
      parse_command_line(std::vector<std::string>{"root"}, kHost, kNoConfigFiles);
  ASSERT_TRUE(result.request) << result.error;
  EXPECT_TRUE(result.request->aliases.empty());
}

TEST_F(AliasesFile, AMalformedFileIs78NamingFileAndLine) {
  const std::string path = write("aliases", "root: admin@example.com\nnonsense\n");
  const CommandLine result = parse_command_line(std::vector<std::string>{"--aliases", path, "root"},
                                                kHost, kNoConfigFiles);
  EXPECT_FALSE(result.request);
  EXPECT_EQ(result.exit_code, ExitCode::config);
  EXPECT_EQ(result.error, path + ":2: expected 'name: address, address'");
}

TEST_F(AliasesFile, AMissingFileIs78) {
  const std::string path = (dir_ / "missing").string();
  const CommandLine result = parse_command_line(std::vector<std::string>{"--aliases", path, "root"},
                                                kHost, kNoConfigFiles);
  EXPECT_EQ(result.exit_code, ExitCode::config);
  EXPECT_EQ(result.error, "cannot read aliases file " + path + ": No such file or directory");
}

TEST_F(AliasesFile, ADirectoryIs78) {
  message::AliasTable table;
  std::string error;
  EXPECT_FALSE(read_aliases_file(dir_.string(), table, error));
  EXPECT_EQ(error, "cannot read aliases file " + dir_.string() + ": Is a directory");
}

TEST_F(AliasesFile, AnOversizedFileIsRefused) {
  std::string comments;
  const std::string line = "#" + std::string(1022, 'x') + "\n";  // 1 KiB of comment a line
  while (comments.size() <= kMaxAliasesFileSize) comments += line;
  const std::string path = write("aliases", comments);
  message::AliasTable table;
  std::string error;
  EXPECT_FALSE(read_aliases_file(path, table, error));
  EXPECT_EQ(error, "aliases file " + path + " is larger than 16 MiB");
}

}  // namespace
}  // namespace smtpsend::cli
