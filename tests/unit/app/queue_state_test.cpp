// What one attempt does to a queued recipient (SPEC.md "Queue"): delivered and failed are done,
// deferred waits by the schedule or expires, configuration trouble is held unchanged.
#include "queue_state.hpp"

#include <gtest/gtest.h>

namespace smtpsend::app {
namespace {

constexpr std::int64_t kArrival = 1'000'000;
const queue::ScheduleSettings kSchedule{std::chrono::seconds(300), std::chrono::seconds(4000),
                                        std::chrono::seconds(5 * 86400)};

RecipientResult result(RecipientStatus status, FailureCause cause, int code = 0) {
  RecipientResult r;
  r.address = "bob@example.com";
  r.status = status;
  r.cause = cause;
  if (code != 0) r.diag.reply = ServerReply{code, "4.2.0", "Greylisted"};
  r.diag.host = "mx1.example.com";
  r.diag.ip = "192.0.2.1";
  return r;
}

queue::RecipientState pending() {
  queue::RecipientState state;
  state.address = "bob@example.com";
  return state;
}

TEST(QueueState, DeferredWaitsByTheScheduleWithItsReply) {
  queue::RecipientState state = pending();
  const Settled settled =
      settle(state, result(RecipientStatus::deferred, FailureCause::temporary, 450), kSchedule,
             kArrival, kArrival + 1, 0.0);
  EXPECT_EQ(settled, Settled::waiting);
  EXPECT_EQ(state.status, queue::RecipientStatus::pending);
  EXPECT_EQ(state.attempts, 1u);
  EXPECT_EQ(state.next_try, queue::next_try(kSchedule, 1, kArrival + 1, 0.0));
  EXPECT_GE(state.next_try, kArrival + 1 + 300);
  EXPECT_EQ(state.last_reply, (queue::LastReply{450, "4.2.0", "Greylisted"}));
  EXPECT_EQ(state.host, "mx1.example.com");
  EXPECT_EQ(state.ip, "192.0.2.1");
  EXPECT_FALSE(state.may_duplicate);
}

TEST(QueueState, DeliveredAndFailedAreDone) {
  queue::RecipientState state = pending();
  state.status = queue::RecipientStatus::in_flight;
  EXPECT_EQ(settle(state, result(RecipientStatus::delivered, FailureCause::none), kSchedule,
                   kArrival, kArrival, 0.5),
            Settled::delivered);
  EXPECT_EQ(state.status, queue::RecipientStatus::delivered);
  queue::RecipientState refused = pending();
  EXPECT_EQ(settle(refused, result(RecipientStatus::failed, FailureCause::rcpt_rejected, 550),
                   kSchedule, kArrival, kArrival, 0.5),
            Settled::failed);
  EXPECT_EQ(refused.status, queue::RecipientStatus::failed);
  EXPECT_EQ(refused.last_reply.code, 550);
}

TEST(QueueState, DeferredPastTheLifetimeExpires) {
  queue::RecipientState state = pending();
  EXPECT_EQ(settle(state, result(RecipientStatus::deferred, FailureCause::temporary, 450),
                   kSchedule, kArrival, kArrival + 5 * 86400 + 1, 0.0),
            Settled::expired);
  EXPECT_EQ(state.status, queue::RecipientStatus::expired);
}

TEST(QueueState, LostAfterTheDotIsFlaggedAndRetried) {
  queue::RecipientState state = pending();
  RecipientResult lost = result(RecipientStatus::deferred, FailureCause::temporary);
  lost.diag.detail = "no reply within 600 s after end of data";
  lost.may_duplicate = true;
  EXPECT_EQ(settle(state, lost, kSchedule, kArrival, kArrival, 0.0), Settled::waiting);
  EXPECT_TRUE(state.may_duplicate);
  EXPECT_EQ(state.last_reply, (queue::LastReply{0, "", "no reply within 600 s after end of data"}));
}

// AUTH refused or the TLS policy not met: the entry is held, nothing counted, nothing moved.
TEST(QueueState, ConfigurationTroubleIsHeld) {
  queue::RecipientState state = pending();
  state.attempts = 2;
  state.next_try = 42;
  state.status = queue::RecipientStatus::in_flight;
  EXPECT_EQ(settle(state, result(RecipientStatus::failed, FailureCause::policy, 535), kSchedule,
                   kArrival, kArrival, 0.0),
            Settled::held);
  EXPECT_EQ(state.status, queue::RecipientStatus::pending);
  EXPECT_EQ(state.attempts, 2u);
  EXPECT_EQ(state.next_try, 42);
  EXPECT_EQ(state.last_reply.code, 535);
}

}  // namespace
}  // namespace smtpsend::app
