// --queue, --queue-dir, --retry-min, --retry-max, --queue-lifetime and their keys (SPEC.md
// "Queue"): the duration parser's edges, the mode defaults of each personality, and the file's
// values under the command line's.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "applied_settings.hpp"
#include "config_file.hpp"
#include "option_values.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/sendmail.hpp"

namespace smtpsend::cli {
namespace {

const HostIdentity kHost{"host.example.org", "alice"};
const std::vector<std::string> kNoConfigFiles;

std::optional<long long> seconds_of(std::string_view text) {
  std::chrono::seconds value{};
  std::string error;
  if (parse_duration("--retry-min", text, value, error)) return value.count();
  EXPECT_EQ(error,
            "--retry-min must be a duration from 1s to 365d such as 300s, 5m, 4h or 5d, "
            "not '" +
                std::string(text) + "'");
  return std::nullopt;
}

TEST(DurationValue, UnitsAndBareSeconds) {
  EXPECT_EQ(seconds_of("300s"), 300);
  EXPECT_EQ(seconds_of("5m"), 300);
  EXPECT_EQ(seconds_of("4h"), 4 * 3600);
  EXPECT_EQ(seconds_of("5d"), 5 * 86400);
  EXPECT_EQ(seconds_of("4000"), 4000);
  EXPECT_EQ(seconds_of("365d"), 365LL * 86400);
}

TEST(DurationValue, RefusesWhatIsNotOne) {
  for (const char* bad : {"", "s", "0s", "-5m", "5 m", "5M", "5w", "1.5h", "366d", "5mm", "m5",
                          "99999999999999999999s"}) {
    EXPECT_EQ(seconds_of(bad), std::nullopt) << bad;
  }
}

TEST(QueueMode, DefaultsPerPersonality) {
  QueueRequest request;
  EXPECT_EQ(queue_mode(request, false), QueueMode::never);
  EXPECT_EQ(queue_mode(request, true), QueueMode::deferred);
  request.mode = QueueMode::never;
  EXPECT_EQ(queue_mode(request, true), QueueMode::never);
  request.mode = QueueMode::always;
  EXPECT_EQ(queue_mode(request, false), QueueMode::always);
  EXPECT_EQ(parse_queue_mode("deferred"), QueueMode::deferred);
  EXPECT_EQ(parse_queue_mode("Deferred"), std::nullopt);
}

TEST(QueueOptions, CommandLineValues) {
  const std::vector<std::string> args{"--queue",          "deferred", "--retry-min", "10s",
                                      "--retry-max",      "1h",       "--queue-dir", "/tmp/q",
                                      "--queue-lifetime", "2d",       "r@x.org"};
  const CommandLine parsed = parse_command_line(args, kHost, kNoConfigFiles);
  ASSERT_TRUE(parsed.request) << parsed.error;
  const QueueRequest& queue = parsed.request->queue;
  EXPECT_EQ(queue.mode, QueueMode::deferred);
  EXPECT_EQ(queue.retry_min, std::chrono::seconds(10));
  EXPECT_EQ(queue.retry_max, std::chrono::seconds(3600));
  EXPECT_EQ(queue.lifetime, std::chrono::seconds(2 * 86400));
  EXPECT_EQ(parsed.request->queue_dir, "/tmp/q");
  EXPECT_FALSE(parsed.request->as_sendmail);
}

TEST(QueueOptions, BadValuesAreUsageErrors) {
  const std::vector<std::string> mode{"--queue", "later", "r@x.org"};
  const CommandLine bad_mode = parse_command_line(mode, kHost, kNoConfigFiles);
  EXPECT_EQ(bad_mode.exit_code, ExitCode::usage);
  EXPECT_EQ(bad_mode.error, "--queue must be never, deferred or always, not 'later'");
  const std::vector<std::string> duration{"--queue-lifetime", "forever", "r@x.org"};
  EXPECT_EQ(parse_command_line(duration, kHost, kNoConfigFiles).exit_code, ExitCode::usage);
}

TEST(QueueOptions, SendmailNameAndOdq) {
  const std::vector<std::string> plain{"root"};
  const CommandLine sendmail = parse_sendmail_command_line(plain, kHost, kNoConfigFiles);
  ASSERT_TRUE(sendmail.request) << sendmail.error;
  EXPECT_TRUE(sendmail.request->as_sendmail);
  EXPECT_EQ(queue_mode(sendmail.request->queue, true), QueueMode::deferred);
  const std::vector<std::string> odq{"-odq", "root"};
  const CommandLine queued = parse_sendmail_command_line(odq, kHost, kNoConfigFiles);
  ASSERT_TRUE(queued.request) << queued.error;
  EXPECT_EQ(queue_mode(queued.request->queue, true), QueueMode::always);
}

TEST(QueueKeys, ReadFromTheFile) {
  const ConfigLoad load = parse_config("/etc/smtpsend.toml",
                                       "[defaults]\nqueue = \"deferred\"\nretry-min = \"30s\"\n"
                                       "retry-max = 600\nqueue-lifetime = \"1d\"\n"
                                       "queue-dir = \"spool\"\nbounce-to = \"admin@example.com\"\n",
                                       0600, std::nullopt);
  ASSERT_EQ(load.error, "");
  const Request r = testing::applied(load.settings);
  EXPECT_EQ(r.queue.mode, QueueMode::deferred);
  EXPECT_EQ(r.queue.retry_min, std::chrono::seconds(30));
  EXPECT_EQ(r.queue.retry_max, std::chrono::seconds(600));
  EXPECT_EQ(r.queue.lifetime, std::chrono::seconds(86400));
  EXPECT_EQ(r.queue_dir, "/etc/spool");
  EXPECT_EQ(r.queue.bounce_to, "admin@example.com");
}

TEST(QueueKeys, BadValuesNameFileAndLine) {
  EXPECT_EQ(parse_config("/etc/smtpsend.toml", "[defaults]\nqueue = \"soon\"\n", 0600, std::nullopt)
                .error,
            "/etc/smtpsend.toml:2: 'queue' must be never, deferred or always, not 'soon'");
  EXPECT_EQ(
      parse_config("/etc/smtpsend.toml", "[defaults]\n\nretry-max = \"5x\"\n", 0600, std::nullopt)
          .error,
      "/etc/smtpsend.toml:3: retry-max must be a duration from 1s to 365d such as 300s, 5m, "
      "4h or 5d, not '5x'");
}

}  // namespace
}  // namespace smtpsend::cli
