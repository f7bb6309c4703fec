#include "smtpsend/queue/schedule.hpp"

#include <gtest/gtest.h>

namespace smtpsend::queue {
namespace {

constexpr std::int64_t kNow = 1'765'000'000;  // the injected clock

TEST(Schedule, FirstRetryAfterRetryMinPlusAtMostTenPercent) {
  const ScheduleSettings s;
  EXPECT_EQ(next_try(s, 1, kNow, 0.0), kNow + 300);
  EXPECT_EQ(next_try(s, 1, kNow, 0.5), kNow + 315);
  EXPECT_EQ(next_try(s, 1, kNow, 0.999999), kNow + 329);
  EXPECT_EQ(next_try(s, 1, kNow, 1.0), kNow + 330);
  EXPECT_EQ(next_try(s, 1, kNow, 7.0), kNow + 330);  // an out-of-range jitter is clamped
}

TEST(Schedule, DoublesUpToRetryMax) {
  const ScheduleSettings s;
  EXPECT_EQ(next_try(s, 2, kNow, 0.0), kNow + 600);
  EXPECT_EQ(next_try(s, 3, kNow, 0.0), kNow + 1200);
  EXPECT_EQ(next_try(s, 4, kNow, 0.0), kNow + 2400);
  EXPECT_EQ(next_try(s, 5, kNow, 0.0), kNow + 4000);  // 4800 capped
  EXPECT_EQ(next_try(s, 4, kNow, 1.0), kNow + 2640);
  EXPECT_EQ(next_try(s, 5, kNow, 1.0), kNow + 4000);  // jitter never passes the cap
  EXPECT_EQ(next_try(s, 1000, kNow, 0.5), kNow + 4000);  // no overflow
}

TEST(Schedule, NotYetTriedIsDueNow) { EXPECT_EQ(next_try({}, 0, kNow, 0.5), kNow); }

TEST(Schedule, SettingsAreHonoured) {
  ScheduleSettings s;
  s.retry_min = std::chrono::seconds(2);
  s.retry_max = std::chrono::seconds(10);
  EXPECT_EQ(next_try(s, 1, kNow, 0.0), kNow + 2);
  EXPECT_EQ(next_try(s, 3, kNow, 0.0), kNow + 8);
  EXPECT_EQ(next_try(s, 4, kNow, 0.0), kNow + 10);
  s.retry_min = std::chrono::seconds(50);  // above the cap: the cap
  EXPECT_EQ(next_try(s, 1, kNow, 0.0), kNow + 10);
}

TEST(Schedule, ExpiresFiveDaysAfterArrival) {
  const ScheduleSettings s;
  const std::int64_t arrival = kNow;
  EXPECT_FALSE(expired(s, arrival, arrival));
  EXPECT_FALSE(expired(s, arrival, arrival + 5 * 86400 - 1));
  EXPECT_TRUE(expired(s, arrival, arrival + 5 * 86400));
  ScheduleSettings short_life;
  short_life.lifetime = std::chrono::seconds(60);
  EXPECT_TRUE(expired(short_life, arrival, arrival + 60));
}

TEST(Schedule, RandomJitterIsAFraction) {
  for (int i = 0; i < 100; ++i) {
    const double j = random_jitter();
    EXPECT_GE(j, 0.0);
    EXPECT_LT(j, 1.0);
  }
}

}  // namespace
}  // namespace smtpsend::queue
