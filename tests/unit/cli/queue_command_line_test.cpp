#include "smtpsend/cli/queue_command_line.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "config_file.hpp"

namespace smtpsend::cli {
namespace {

// No configuration file exists at this path: parsing never depends on the machine's own.
const std::vector<std::string> kNoDefaultFiles{"/nonexistent/smtpsend-test/config.toml"};

QueueCommandLine parse(std::vector<std::string> args) {
  return parse_queue_command_line(args, kNoDefaultFiles);
}

TEST(QueueCommandLine, ListWithJsonAndADirectory) {
  const QueueCommandLine line = parse({"list", "--json", "--queue-dir", "/q"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->action, QueueCommand::Action::list);
  EXPECT_TRUE(line.command->json);
  EXPECT_EQ(line.command->queue_dir, "/q");
  // The shared options may come before the subcommand too.
  const QueueCommandLine before = parse({"--queue-dir", "/q", "list"});
  ASSERT_TRUE(before.command) << before.error;
  EXPECT_EQ(before.command->queue_dir, "/q");
  EXPECT_FALSE(before.command->json);
}

TEST(QueueCommandLine, DeleteTakesIds) {
  const QueueCommandLine line = parse({"delete", "A", "B"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->action, QueueCommand::Action::remove);
  EXPECT_EQ(line.command->ids, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(line.command->queue_dir, "");  // the default, chosen by app
  const QueueCommandLine none = parse({"delete"});
  EXPECT_FALSE(none.command);
  EXPECT_EQ(none.exit_code, ExitCode::usage);
}

TEST(QueueCommandLine, RunTakesAllAndIds) {
  const QueueCommandLine line = parse({"run", "--all", "X"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->action, QueueCommand::Action::run);
  EXPECT_TRUE(line.command->all);
  EXPECT_EQ(line.command->ids, std::vector<std::string>{"X"});
}

TEST(QueueCommandLine, RunCountsVerbose) {
  // -v prints the SMTP conversation of each delivery, -vv adds DNS and TLS detail (SPEC.md
  // "-v"); sendmail -q -v reaches `queue run --all -v`.
  for (const auto& [args, level] : std::vector<std::pair<std::vector<std::string>, int>>{
           {{"run"}, 0}, {{"run", "-v"}, 1}, {{"run", "-vv"}, 2}, {{"run", "--all", "-v", "-v"}, 2},
           {{"run", "--verbose"}, 1}}) {
    const QueueCommandLine line = parse(args);
    ASSERT_TRUE(line.command) << line.error;
    EXPECT_EQ(line.command->verbosity, level) << args.back();
  }
  // Listing and deleting send nothing: nothing to show.
  EXPECT_EQ(parse({"list", "-v"}).exit_code, ExitCode::usage);
}

TEST(QueueCommandLine, UsageErrorsAre64WithOneLine) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"frobnicate"}, {"list", "--bogus"}, {"list", "--queue-dir", ""}, {"list", "X"}}) {
    const QueueCommandLine line = parse(args);
    EXPECT_FALSE(line.command);
    EXPECT_EQ(line.exit_code, ExitCode::usage) << line.error;
    EXPECT_EQ(line.error.find('\n'), std::string::npos);
    EXPECT_FALSE(line.error.empty());
  }
  EXPECT_EQ(parse({"frobnicate"}).error,
            "queue: unknown subcommand 'frobnicate'; use list, run or delete");
}

TEST(QueueCommandLine, HelpIsPrinted) {
  const QueueCommandLine line = parse({"--help"});
  EXPECT_FALSE(line.command);
  EXPECT_EQ(line.exit_code, ExitCode::ok);
  EXPECT_NE(line.output.find("delete"), std::string::npos);
}

TEST(QueueCommandLine, QueueDirFromTheConfigurationFileUnlessGiven) {
  const std::string path = ::testing::TempDir() + "smtpsend_queue_cli.toml";
  std::ofstream(path) << "[defaults]\nqueue-dir = \"spool\"\n[account.work]\nqueue-dir = \"/w\"\n";
  const std::string directory = path.substr(0, path.rfind('/'));
  QueueCommandLine line = parse({"-C", path, "list"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->queue_dir, directory + "/spool");
  line = parse({"-C", path, "-A", "work", "list"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->queue_dir, "/w");
  line = parse({"-C", path, "--queue-dir", "/given", "list"});
  ASSERT_TRUE(line.command) << line.error;
  EXPECT_EQ(line.command->queue_dir, "/given");
  line = parse({"-C", "/nonexistent/smtpsend.toml", "list"});
  EXPECT_FALSE(line.command);
  EXPECT_EQ(line.exit_code, ExitCode::config);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace smtpsend::cli
