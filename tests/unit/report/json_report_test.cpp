#include "smtpsend/report/json_report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

namespace smtpsend::report {
namespace {

namespace json = boost::json;

RecipientResult delivered(std::size_t message_index, std::string address) {
  RecipientResult result;
  result.message_index = message_index;
  result.address = std::move(address);
  result.status = RecipientStatus::delivered;
  result.diag.reply = ServerReply{250, "2.0.0", "Ok: queued as 4F2A1"};
  result.diag.host = "mx1.example.com";
  result.diag.ip = "192.0.2.1";
  return result;
}

RecipientResult deferred_without_reply(std::size_t message_index, std::string address) {
  RecipientResult result;
  result.message_index = message_index;
  result.address = std::move(address);
  result.status = RecipientStatus::deferred;
  result.cause = FailureCause::temporary;
  result.diag.host = "mx2.example.net";
  result.diag.ip = "2001:db8::25";
  result.diag.detail =
      "no reply within 600 s after end of data (mx2.example.net[2001:db8::25]); the message may "
      "have been delivered";
  result.may_duplicate = true;
  return result;
}

json::object parse_object(const std::string& text) {
  EXPECT_TRUE(text.ends_with("\n"));
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line";
  return json::parse(text).as_object();
}

// SPEC.md "Output": "queue_id" per message, the status "queued" per recipient.
TEST(JsonReport, QueuedRecipientAndQueueId) {
  std::vector<MessageSummary> messages{{"<1@host.example.org>", 10}};
  messages[0].queue_id = "0005F1A2B3C4D5E6abcd";
  RecipientResult queued = deferred_without_reply(0, "carol@example.net");
  queued.status = RecipientStatus::queued;
  queued.may_duplicate = false;
  queued.queue_id = messages[0].queue_id;
  const std::vector<RecipientResult> results{delivered(0, "alice@example.com"), queued};
  const json::object doc = parse_object(delivery_json(messages, results, ExitCode::ok));
  const json::object& message = doc.at("messages").as_array()[0].as_object();
  EXPECT_EQ(message.at("queue_id").as_string(), "0005F1A2B3C4D5E6abcd");
  EXPECT_EQ(message.at("recipients").as_array()[1].at("status").as_string(), "queued");
  EXPECT_EQ(doc.at("exit_code").as_int64(), 0);
}

TEST(JsonReport, ShapeAndFieldsOfTheContract) {
  const std::vector<MessageSummary> messages{{"<1@host.example.org>", 1234},
                                             {"<2@host.example.org>", 99}};
  RecipientResult failed = delivered(1, "bob@example.com");
  failed.status = RecipientStatus::failed;
  failed.cause = FailureCause::rcpt_rejected;
  failed.diag.reply = ServerReply{550, "", "User unknown"};
  const std::vector<RecipientResult> results{
      delivered(0, "alice@example.com"), deferred_without_reply(0, "carol@example.net"), failed};

  const json::object doc = parse_object(delivery_json(messages, results, ExitCode::unavailable));
  EXPECT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc.at("exit_code").as_int64(), 69);
  const json::array& message_array = doc.at("messages").as_array();
  ASSERT_EQ(message_array.size(), 2u);

  const json::object& first = message_array[0].as_object();
  EXPECT_EQ(first.size(), 4u);
  EXPECT_TRUE(first.at("queue_id").is_null());
  EXPECT_EQ(first.at("message_id").as_string(), "<1@host.example.org>");
  EXPECT_EQ(first.at("size").to_number<std::int64_t>(), 1234);
  const json::array& first_recipients = first.at("recipients").as_array();
  ASSERT_EQ(first_recipients.size(), 2u);

  const json::object& alice = first_recipients[0].as_object();
  EXPECT_EQ(alice.size(), 7u);
  EXPECT_EQ(alice.at("address").as_string(), "alice@example.com");
  EXPECT_EQ(alice.at("status").as_string(), "delivered");
  const json::object& reply = alice.at("reply").as_object();
  EXPECT_EQ(reply.size(), 3u);
  EXPECT_EQ(reply.at("code").as_int64(), 250);
  EXPECT_EQ(reply.at("enhanced").as_string(), "2.0.0");
  EXPECT_EQ(reply.at("text").as_string(), "Ok: queued as 4F2A1");
  EXPECT_EQ(alice.at("host").as_string(), "mx1.example.com");
  EXPECT_EQ(alice.at("ip").as_string(), "192.0.2.1");
  EXPECT_TRUE(alice.at("detail").is_null());
  EXPECT_FALSE(alice.at("may_duplicate").as_bool());

  const json::object& carol = first_recipients[1].as_object();
  EXPECT_EQ(carol.at("address").as_string(), "carol@example.net");
  EXPECT_EQ(carol.at("status").as_string(), "deferred");
  EXPECT_TRUE(carol.at("reply").is_null());
  EXPECT_EQ(carol.at("host").as_string(), "mx2.example.net");
  EXPECT_EQ(carol.at("ip").as_string(), "2001:db8::25");
  EXPECT_EQ(carol.at("detail").as_string(),
            "no reply within 600 s after end of data (mx2.example.net[2001:db8::25]); the "
            "message may have been delivered");
  EXPECT_TRUE(carol.at("may_duplicate").as_bool());

  const json::object& second = message_array[1].as_object();
  EXPECT_EQ(second.at("message_id").as_string(), "<2@host.example.org>");
  EXPECT_EQ(second.at("size").to_number<std::int64_t>(), 99);
  const json::array& second_recipients = second.at("recipients").as_array();
  ASSERT_EQ(second_recipients.size(), 1u);
  const json::object& bob = second_recipients[0].as_object();
  EXPECT_EQ(bob.at("status").as_string(), "failed");
  EXPECT_EQ(bob.at("reply").at("code").as_int64(), 550);
  EXPECT_TRUE(bob.at("reply").at("enhanced").is_null());
}

TEST(JsonReport, EmptyHostAndIpAreNull) {
  RecipientResult result = deferred_without_reply(0, "x@nowhere.example");
  result.diag.host.clear();
  result.diag.ip.clear();
  result.may_duplicate = false;
  const std::vector<MessageSummary> messages{{"<m@h>", 1}};
  const std::vector<RecipientResult> results{result};
  const json::object doc = parse_object(delivery_json(messages, results, ExitCode::temp_fail));
  const json::object& recipient = doc.at("messages").at(0).at("recipients").at(0).as_object();
  EXPECT_TRUE(recipient.at("host").is_null());
  EXPECT_TRUE(recipient.at("ip").is_null());
  EXPECT_FALSE(recipient.at("may_duplicate").as_bool());
  EXPECT_EQ(doc.at("exit_code").as_int64(), 75);
}

TEST(JsonReport, HostileTextStaysValidJsonAndIsSanitised) {
  RecipientResult result = delivered(0,
                                     "b\xc3\xbc"
                                     "cher@example.com");
  result.status = RecipientStatus::failed;
  result.diag.reply = ServerReply{550, "5.1.1", "bad \"quote\" \\ \x01\xff\r\n end"};
  const std::vector<MessageSummary> messages{{"<m@h>", 1}};
  const std::vector<RecipientResult> results{result};
  const std::string text = delivery_json(messages, results, ExitCode::no_user);
  const json::object doc = parse_object(text);
  const json::object& recipient = doc.at("messages").at(0).at("recipients").at(0).as_object();
  EXPECT_EQ(recipient.at("address").as_string(),
            "b\xc3\xbc"
            "cher@example.com");
  EXPECT_EQ(recipient.at("reply").at("text").as_string(), "bad \"quote\" \\ ???? end");
}

TEST(JsonReport, MessageWithoutRecipientsHasEmptyList) {
  const std::vector<MessageSummary> messages{{"<m@h>", 10}};
  const json::object doc = parse_object(delivery_json(messages, {}, ExitCode::ok));
  EXPECT_TRUE(doc.at("messages").at(0).at("recipients").as_array().empty());
  EXPECT_EQ(doc.at("exit_code").as_int64(), 0);
}

}  // namespace
}  // namespace smtpsend::report
