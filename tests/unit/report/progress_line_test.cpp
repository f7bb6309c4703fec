// The progress line: nothing during the first second, then "N of M recipients: ..." redrawn in
// place at most every 100 ms, each recipient counted once, erased on request.
#include "smtpsend/report/progress_line.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace smtpsend::report {
namespace {

using namespace std::chrono_literals;

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  ProgressLine::Clock function() {
    return [this] { return now; };
  }
};

TEST(ProgressLine, SilentDuringTheFirstSecond) {
  FakeClock clock;
  std::ostringstream out;
  ProgressLine line(out, 3, clock.function());
  clock.now += 999ms;
  line.settled(0, "a@x.test", RecipientStatus::delivered);
  line.erase();
  EXPECT_EQ(out.str(), "") << "nothing drawn, so nothing to erase";
}

TEST(ProgressLine, CountsEachRecipientOnceAndRedrawsInPlace) {
  FakeClock clock;
  std::ostringstream out;
  ProgressLine line(out, 4, clock.function());
  clock.now += 1s;
  line.settled(0, "a@x.test", RecipientStatus::delivered);
  EXPECT_EQ(out.str(), "\r\x1b[Ksmtpsend: 1 of 4 recipients: 1 delivered, 0 deferred, 0 failed");
  clock.now += 100ms;
  line.settled(0, "a@x.test", RecipientStatus::delivered);  // its destination reports it again
  line.settled(1, "a@x.test", RecipientStatus::deferred);   // another message, same address
  const std::string before = out.str();
  clock.now += 200ms;
  line.settled(0, "b@x.test", RecipientStatus::failed);
  EXPECT_EQ(out.str().substr(before.size()),
            "\r\x1b[Ksmtpsend: 3 of 4 recipients: 1 delivered, 1 deferred, 1 failed");
  line.erase();
  EXPECT_TRUE(out.str().ends_with("failed\r\x1b[K"));
}

TEST(ProgressLine, RedrawsAtMostEveryHundredMilliseconds) {
  FakeClock clock;
  std::ostringstream out;
  ProgressLine line(out, 100, clock.function());
  clock.now += 2s;
  for (int i = 0; i < 50; ++i) {
    clock.now += 10ms;
    line.settled(0, std::to_string(i) + "@x.test", RecipientStatus::delivered);
  }
  std::size_t draws = 0;
  for (std::size_t at = out.str().find('\r'); at != std::string::npos;
       at = out.str().find('\r', at + 1)) {
    ++draws;
  }
  EXPECT_EQ(draws, 5u) << out.str();  // 500 ms of events: at 0, 100, 200, 300, 400 ms
}

}  // namespace
}  // namespace smtpsend::report

namespace smtpsend::report {
namespace {

// Issue 10: the line appears after the first second even when no recipient has settled yet.
TEST(ProgressLine, TheClockDrawsItAfterTheDelayWithoutASettledRecipient) {
  FakeClock clock;
  std::ostringstream out;
  ProgressLine line(out, 3, clock.function());
  clock.now += 500ms;
  line.tick();
  EXPECT_EQ(out.str(), "");
  clock.now += 500ms;
  line.tick();
  EXPECT_EQ(out.str(), "\r\x1b[Ksmtpsend: 0 of 3 recipients: 0 delivered, 0 deferred, 0 failed");
}

}  // namespace
}  // namespace smtpsend::report
