// The report's order and completeness: one result per (message, recipient), in the order the
// user gave them, and never a shorter report.
#include "smtpsend/delivery/result_order.hpp"

#include <gtest/gtest.h>

#include "smtpsend/core/errors.hpp"
#include "support/envelope_address.hpp"

namespace smtpsend::delivery {
namespace {

RecipientResult result(std::size_t message_index, const std::string& text,
                       RecipientStatus status = RecipientStatus::delivered) {
  RecipientResult r;
  r.message_index = message_index;
  r.address = text;
  r.status = status;
  return r;
}

std::vector<std::string> addresses(const std::vector<RecipientResult>& results) {
  std::vector<std::string> out;
  for (const RecipientResult& r : results) {
    out.push_back(std::to_string(r.message_index) + ":" + r.address);
  }
  return out;
}

const message::Message kMessage;

std::vector<OutgoingMessage> two_messages() {
  return {OutgoingMessage{
              &kMessage,
              "",
              {test::envelope_address("a", "x.test"), test::envelope_address("b", "y.test")}},
          OutgoingMessage{
              &kMessage,
              "",
              {test::envelope_address("c", "y.test"), test::envelope_address("a", "x.test")}}};
}

TEST(ResultOrder, ResultsComeInInputOrderWhateverOrderTheDestinationsFinishedIn) {
  const OrderedResults ordered = in_input_order(
      two_messages(),
      {result(1, "c@y.test"), result(0, "b@y.test"), result(1, "a@x.test"), result(0, "a@x.test")});
  EXPECT_FALSE(ordered.error);
  EXPECT_EQ(addresses(ordered.results),
            (std::vector<std::string>{"0:a@x.test", "0:b@y.test", "1:c@y.test", "1:a@x.test"}));
}

// group_by_domain() sends a mailbox listed twice for one message once (the domain compared
// case-insensitively); it is reported once, under the spelling that was sent.
TEST(ResultOrder, ARecipientListedTwiceIsReportedOnce) {
  const std::vector<OutgoingMessage> messages{
      OutgoingMessage{&kMessage,
                      "",
                      {test::envelope_address("a", "X.test"), test::envelope_address("b", "y.test"),
                       test::envelope_address("a", "x.TEST")}}};
  const OrderedResults ordered =
      in_input_order(messages, {result(0, "b@y.test"), result(0, "a@X.test")});
  EXPECT_FALSE(ordered.error) << ordered.detail;
  EXPECT_EQ(addresses(ordered.results), (std::vector<std::string>{"0:a@X.test", "0:b@y.test"}));
}

// A lost outcome is our bug: an internal error (exit 70) naming the recipient, never a report
// without it, which would look like a complete one.
TEST(ResultOrder, ARecipientWithoutAResultIsAnInternalErrorNotAShorterReport) {
  const OrderedResults ordered = in_input_order(
      two_messages(), {result(1, "c@y.test"), result(0, "a@x.test"), result(1, "a@x.test")});
  EXPECT_EQ(ordered.error, Errc::internal);
  EXPECT_EQ(ordered.detail,
            "internal error: no outcome for b@y.test (message 1); other recipients may have been "
            "delivered");
  EXPECT_TRUE(ordered.results.empty());
}

// --dry-run: resolution decides only the recipients it can already (a failed lookup); the rest
// would be attempted and have no result yet.
TEST(ResultOrder, ADryRunReportsOnlyTheDecidedRecipientsInInputOrder) {
  const std::vector<RecipientResult> decided =
      decided_in_input_order(two_messages(), {result(1, "c@y.test", RecipientStatus::failed),
                                              result(0, "b@y.test", RecipientStatus::failed)});
  EXPECT_EQ(addresses(decided), (std::vector<std::string>{"0:b@y.test", "1:c@y.test"}));
}

}  // namespace
}  // namespace smtpsend::delivery
