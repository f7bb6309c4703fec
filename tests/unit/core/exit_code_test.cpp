#include <gtest/gtest.h>

#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/core/outcome.hpp"

namespace smtpsend {
namespace {

RecipientResult result(RecipientStatus status, FailureCause cause) {
  RecipientResult r;
  r.address = "a@example.com";
  r.status = status;
  r.cause = cause;
  return r;
}

const RecipientResult delivered = result(RecipientStatus::delivered, FailureCause::none);
RecipientResult failed(FailureCause cause) {
  return result(RecipientStatus::failed, cause);
}
RecipientResult deferred(FailureCause cause) {
  return result(RecipientStatus::deferred, cause);
}

ExitCode code(std::vector<RecipientResult> results) {
  return exit_code_for(results);
}

TEST(ExitCode, NoRecipientsIsUsage) {
  EXPECT_EQ(code({}), ExitCode::usage);
}

TEST(ExitCode, AllDeliveredIsZero) {
  EXPECT_EQ(code({delivered, delivered}), ExitCode::ok);
}

TEST(ExitCode, PermanentBeatsTemporary) {
  EXPECT_EQ(code({deferred(FailureCause::temporary), failed(FailureCause::permanent)}),
            ExitCode::unavailable);
  EXPECT_EQ(code({deferred(FailureCause::protocol), failed(FailureCause::rcpt_rejected)}),
            ExitCode::no_user);
}

TEST(ExitCode, FailureOrderIsDataThenPolicyThenNoHostThenRcptThenOther) {
  const std::vector<RecipientResult> all = {
      failed(FailureCause::permanent), failed(FailureCause::rcpt_rejected),
      failed(FailureCause::no_host), failed(FailureCause::policy), failed(FailureCause::message)};
  EXPECT_EQ(code(all), ExitCode::data_error);
  EXPECT_EQ(code({all[0], all[1], all[2], all[3]}), ExitCode::no_perm);
  EXPECT_EQ(code({all[0], all[1], all[2]}), ExitCode::no_host);
  EXPECT_EQ(code({all[0], all[1]}), ExitCode::unavailable);
  EXPECT_EQ(code({all[1], delivered, deferred(FailureCause::temporary)}), ExitCode::no_user);
}

// SPEC.md "Exit status" rule 1: a queued recipient is safe.
TEST(ExitCode, QueuedCountsAsSafe) {
  const RecipientResult queued = result(RecipientStatus::queued, FailureCause::temporary);
  EXPECT_EQ(code({delivered, queued}), ExitCode::ok);
  EXPECT_EQ(code({queued, queued}), ExitCode::ok);
  EXPECT_EQ(code({queued, failed(FailureCause::rcpt_rejected)}), ExitCode::no_user);
  EXPECT_EQ(code({queued, deferred(FailureCause::temporary)}), ExitCode::temp_fail);
  EXPECT_STREQ(to_string(RecipientStatus::queued), "queued");
}

TEST(ExitCode, DeferralsAreTempfailUnlessTheServerBrokeTheProtocol) {
  EXPECT_EQ(code({delivered, deferred(FailureCause::temporary)}), ExitCode::temp_fail);
  EXPECT_EQ(code({deferred(FailureCause::temporary), deferred(FailureCause::protocol)}),
            ExitCode::protocol);
}

TEST(ErrorCategory, MessagesAreSentencesAndCodesRoundTrip) {
  const std::error_code ec = Errc::null_mx;
  EXPECT_EQ(ec.category().name(), std::string("smtpsend"));
  EXPECT_EQ(ec.message(), "domain does not accept mail (null MX, RFC 7505)");
  EXPECT_EQ(ec, make_error_code(Errc::null_mx));
  EXPECT_NE(ec, make_error_code(Errc::dns_nxdomain));
  EXPECT_EQ(to_string(RecipientStatus::deferred), std::string("deferred"));
}

}  // namespace
}  // namespace smtpsend
