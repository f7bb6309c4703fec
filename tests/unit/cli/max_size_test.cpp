// --max-size and the config key max-size (SPEC.md "Routing"): the size parser's edges, and the
// file's value under the command line's.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "applied_settings.hpp"
#include "config_file.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"

namespace smtpsend::cli {
namespace {

using testing::applied;

constexpr std::uint64_t kKiB = 1024;
const HostIdentity kHost{"host.example.org", "alice"};

const std::vector<std::string> kNoConfigFiles;

std::optional<std::uint64_t> size_of(std::string_view text) {
  std::uint64_t value = 0;
  std::string error;
  if (parse_size("--max-size", text, value, error)) {
    EXPECT_EQ(error, "");
    return value;
  }
  EXPECT_EQ(error,
            "--max-size must be a size from 1 byte, such as 1G, 500M, 10k or 1048576 (k, M, G, "
            "T are powers of 1024; at most 2^64 - 1 bytes), not '" +
                std::string(text) + "'");
  return std::nullopt;
}

TEST(SizeValue, PlainBytesAndPowersOf1024) {
  EXPECT_EQ(size_of("1"), 1u);
  EXPECT_EQ(size_of("1048576"), 1048576u);
  EXPECT_EQ(size_of("10k"), 10 * kKiB);
  EXPECT_EQ(size_of("10K"), 10 * kKiB);
  EXPECT_EQ(size_of("500M"), 500 * kKiB * kKiB);
  EXPECT_EQ(size_of("500m"), 500 * kKiB * kKiB);
  EXPECT_EQ(size_of("1G"), kKiB * kKiB * kKiB);
  EXPECT_EQ(size_of("1g"), kKiB * kKiB * kKiB);
  EXPECT_EQ(size_of("2T"), 2 * kKiB * kKiB * kKiB * kKiB);
  EXPECT_EQ(size_of("0010k"), 10 * kKiB);
}

TEST(SizeValue, TheLargestValuesAndOneMore) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(size_of("18446744073709551615"), kMax);
  EXPECT_EQ(size_of("18446744073709551616"), std::nullopt);
  EXPECT_EQ(size_of("99999999999999999999"), std::nullopt);
  EXPECT_EQ(size_of("16777215T"), std::uint64_t{16777215} << 40);
  EXPECT_EQ(size_of("16777216T"), std::nullopt);  // 2^64
  EXPECT_EQ(size_of("17179869183G"), std::uint64_t{17179869183} << 30);
  EXPECT_EQ(size_of("17179869184G"), std::nullopt);
  EXPECT_EQ(size_of("18014398509481983k"), std::uint64_t{18014398509481983} << 10);
  EXPECT_EQ(size_of("18014398509481984k"), std::nullopt);
}

TEST(SizeValue, ZeroAndGarbageAreRefused) {
  for (const char* text :
       {"0",    "0k",  "00",   "",    "k",  "G",  "-1", "+1",   " 1",  "1 ", "1 M",
        "1.5G", "1KB", "1KiB", "1kk", "1P", "1E", "1b", "0x10", "1e6", "M1", "１"}) {
    EXPECT_EQ(size_of(text), std::nullopt) << text;
  }
}

CommandLine parse(const std::vector<std::string>& args,
                  const std::vector<std::string>& config_files = kNoConfigFiles) {
  return parse_command_line(args, kHost, config_files);
}

TEST(MaxSizeOption, DefaultsTo1GiB) {
  const CommandLine result = parse({"bob@example.com"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->max_size, std::uint64_t{1} << 30);
}

TEST(MaxSizeOption, TakesASize) {
  const CommandLine result = parse({"--max-size", "500M", "bob@example.com"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->max_size, 500 * kKiB * kKiB);
  const CommandLine joined = parse({"--max-size=10k", "bob@example.com"});
  ASSERT_TRUE(joined.request.has_value()) << joined.error;
  EXPECT_EQ(joined.request->max_size, 10 * kKiB);
}

TEST(MaxSizeOption, ABadSizeIsAUsageError) {
  for (const char* text : {"0", "lots", "1Q", "99999999999999999999"}) {
    const CommandLine result = parse({"--max-size", text, "bob@example.com"});
    EXPECT_EQ(result.exit_code, ExitCode::usage) << text;
    EXPECT_FALSE(result.request.has_value());
    EXPECT_TRUE(result.error.starts_with("--max-size must be a size from 1 byte")) << result.error;
  }
}

class MaxSizeConfig : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    const std::string path = ::testing::TempDir() + "smtpsend_max_size_" +
                             std::to_string(::getpid()) + "_" + std::to_string(counter_++) +
                             ".toml";
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path;
  }
  ~MaxSizeConfig() override {
    for (const auto& path : paths_) std::filesystem::remove(path);
  }

 private:
  static inline int counter_ = 0;
  std::vector<std::string> paths_;
};

TEST_F(MaxSizeConfig, AStringOrAnIntegerOfBytes) {
  ConfigLoad load = parse_config("/c.toml", "[defaults]\nmax-size = \"500M\"\n", 0600, {});
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(applied(load.settings).max_size, 500 * kKiB * kKiB);
  load = parse_config("/c.toml", "[defaults]\nmax-size = 1048576\n", 0600, {});
  ASSERT_EQ(load.error, "");
  EXPECT_EQ(applied(load.settings).max_size, 1048576u);
}

TEST_F(MaxSizeConfig, BadValuesNameFileAndLine) {
  EXPECT_EQ(parse_config("/c.toml", "[defaults]\n\nmax-size = \"0\"\n", 0600, {}).error,
            "/c.toml:3: max-size must be a size from 1 byte, such as 1G, 500M, 10k or 1048576 "
            "(k, M, G, T are powers of 1024; at most 2^64 - 1 bytes), not '0'");
  EXPECT_EQ(parse_config("/c.toml", "[defaults]\nmax-size = -5\n", 0600, {}).error,
            "/c.toml:2: max-size must be a size from 1 byte, such as 1G, 500M, 10k or 1048576 "
            "(k, M, G, T are powers of 1024; at most 2^64 - 1 bytes), not '-5'");
  EXPECT_EQ(parse_config("/c.toml", "[defaults]\nmax-size = 1.5\n", 0600, {}).error,
            "/c.toml:2: 'max-size' must be a string such as \"500M\" or an integer, not a "
            "floating-point number");
}

TEST_F(MaxSizeConfig, TheCommandLineWinsOverTheFile) {
  const std::string path = write("[defaults]\nmax-size = \"2M\"\n");
  CommandLine result = parse({"-C", path, "bob@example.com"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->max_size, 2 * kKiB * kKiB);
  result = parse({"-C", path, "--max-size", "3k", "bob@example.com"});
  ASSERT_TRUE(result.request.has_value()) << result.error;
  EXPECT_EQ(result.request->max_size, 3 * kKiB);
}

TEST(MaxSizeOption, IsInTheHelp) {
  EXPECT_NE(help_text().find("--max-size SIZE"), std::string::npos) << help_text();
}

}  // namespace
}  // namespace smtpsend::cli
