// The parts of the session's state (src/smtp/session/impl.hpp), each on its own: the recipient
// table keeps the first verdict, the pipeline cuts bounded Writes with commands first and ends
// a data Write at its final dot, and message data is stuffed as it is taken in.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "session/impl.hpp"

namespace smtpsend::smtp {
namespace {

struct CountingProgress final : ProgressSink {
  void settled(std::size_t, std::string_view address, RecipientStatus) override {
    told.emplace_back(address);
  }
  std::vector<std::string> told;
};

Settlement fate(RecipientStatus status, bool final, Scope scope = Scope::host) {
  Fate f;
  f.scope = scope;
  f.status = status;
  f.cause = status == RecipientStatus::delivered ? FailureCause::none : FailureCause::temporary;
  f.final = final;
  return Settlement{f, {}};
}

TEST(RecipientTable, TheFirstVerdictStandsAndOnlyAFinalOneIsTold) {
  CountingProgress progress;
  RecipientTable table(&progress);
  EXPECT_EQ(table.add(0, "bob@example.net", "bob@example.net"), 0u);
  EXPECT_EQ(table.add(1, "carol@bücher.example", "carol@xn--bcher-kva.example"), 1u);
  EXPECT_EQ(table.wire_address(1), "carol@xn--bcher-kva.example");
  EXPECT_FALSE(table.all_settled());
  table.settle(0, fate(RecipientStatus::delivered, true));
  table.settle(0, fate(RecipientStatus::deferred, false));  // later and vaguer: ignored
  EXPECT_EQ(table.outcomes()[0].result.status, RecipientStatus::delivered);
  table.settle_as_judged(fate(RecipientStatus::deferred, false));
  EXPECT_TRUE(table.all_settled());
  EXPECT_EQ(table.outcomes()[1].result.status, RecipientStatus::deferred);
  EXPECT_EQ(table.outcomes()[1].result.address, "carol@bücher.example");
  EXPECT_EQ(table.outcomes()[1].result.message_index, 1u);
  EXPECT_FALSE(table.outcomes()[1].final);
  EXPECT_EQ(progress.told, std::vector<std::string>{"bob@example.net"});
}

// Whom a verdict settles follows from its scope alone: the call site only names the
// transaction's slots.
TEST(RecipientTable, TheScopeChoosesTheSlotsAVerdictSettles) {
  const auto table_of_three = [] {
    RecipientTable table(nullptr);
    for (std::size_t i = 0; i < 3; ++i) table.add(0, "r@example.net", "r@example.net");
    return table;
  };
  const std::vector<std::size_t> transaction{1};
  const auto settled = [](const RecipientTable& table) {
    std::vector<bool> out;
    for (const RecipientOutcome& o : table.outcomes()) {
      out.push_back(o.result.status == RecipientStatus::failed);
    }
    return out;
  };
  for (const Scope scope : {Scope::host, Scope::destination}) {
    RecipientTable table = table_of_three();
    table.settle_as_judged(fate(RecipientStatus::failed, true, scope), transaction);
    EXPECT_EQ(settled(table), (std::vector<bool>{true, true, true})) << static_cast<int>(scope);
  }
  RecipientTable by_transaction = table_of_three();
  by_transaction.settle_as_judged(fate(RecipientStatus::failed, true, Scope::transaction),
                                  transaction);
  EXPECT_EQ(settled(by_transaction), (std::vector<bool>{false, true, false}));
  RecipientTable goes_on = table_of_three();
  goes_on.settle_as_judged(fate(RecipientStatus::failed, true, Scope::none));
  EXPECT_EQ(settled(goes_on), (std::vector<bool>{false, false, false}));
  EXPECT_FALSE(goes_on.all_settled());
}

// The bytes a buffer's capacity still holds, past its end included.
std::string_view whole_buffer(const std::string& bytes) {
  return std::string_view(bytes.data(), bytes.capacity());
}

TEST(CommandBuffer, ASecretLineHandedOutLeavesNothingBehind) {
  CommandBuffer buffer;
  buffer.append_line("EHLO client.example", false);
  buffer.append_line("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", true);
  EXPECT_TRUE(buffer.secret);
  EXPECT_EQ(buffer.take_front(21), "EHLO client.example\r\n");
  EXPECT_EQ(buffer.bytes, "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
  EXPECT_TRUE(buffer.secret);
  EXPECT_EQ(buffer.take_front(64), "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
  EXPECT_TRUE(buffer.empty());
  EXPECT_FALSE(buffer.secret);
  EXPECT_EQ(whole_buffer(buffer.bytes).find("AHRpbQB0"), std::string_view::npos);
}

TEST(CommandBuffer, PlainLinesAreCutAsBefore) {
  CommandBuffer buffer;
  buffer.append_line("MAIL FROM:<a@b>", false);
  EXPECT_FALSE(buffer.secret);
  EXPECT_EQ(buffer.take_front(4), "MAIL");
  EXPECT_EQ(buffer.bytes, " FROM:<a@b>\r\n");
}

TEST(Pipeline, AWriteWithASecretLineIsMarkedSecret) {
  Pipeline pipeline;
  pipeline.outgoing.append_line("EHLO client.example", false);
  EXPECT_FALSE(pipeline.take_write(512).secret);
  pipeline.outgoing.append_line("AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm", true);
  EXPECT_TRUE(pipeline.take_write(512).secret);
  pipeline.outgoing.append_line("MAIL FROM:<a@b>", false);
  EXPECT_FALSE(pipeline.take_write(512).secret);
}

TEST(Pipeline, CommandsGoFirstInBoundedWrites) {
  Pipeline pipeline;
  pipeline.outgoing.bytes = "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n";
  pipeline.outgoing.stage = Stage::mail;
  pipeline.data.emplace();
  pipeline.data->stuffed = "body";
  EXPECT_EQ(pipeline.take_write(10), (Write{"MAIL FROM:", Stage::mail}));
  pipeline.on_written();
  EXPECT_EQ(pipeline.take_write(64), (Write{"<a@b>\r\nRCPT TO:<c@d>\r\n", Stage::mail}));
}

TEST(Pipeline, RepliesAreWelcomeOnlyOnceTheWholeGroupIsWritten) {
  Pipeline pipeline;
  pipeline.awaited.push_back(Expectation{Awaited::mail, 0, false});
  pipeline.outgoing.bytes = "MAIL FROM:<a@b>\r\n";
  pipeline.in_flight = pipeline.take_write(5);
  pipeline.on_written();
  EXPECT_FALSE(pipeline.replies_welcome()) << "part of the group is still to be written";
  pipeline.in_flight = pipeline.take_write(64);
  pipeline.on_written();
  EXPECT_TRUE(pipeline.replies_welcome());
}

TEST(Pipeline, TheFinalDotsWriteEndsAtTheDotAndTheTrailerFollowsAlone) {
  Pipeline pipeline;
  pipeline.data.emplace();
  DataStream& data = *pipeline.data;
  data.content = "x\r\n";
  data.trailer.bytes = "QUIT\r\n";
  data.trailer.stage = Stage::quit;
  EXPECT_EQ(pipeline.body_request(64), (ReadBody{"x\r\n", 0, 64}));
  data.take("x\r\n");
  EXPECT_FALSE(data.block_ready(64));
  EXPECT_EQ(pipeline.body_request(64), (ReadBody{"x\r\n", 3, 61}));
  data.end();
  ASSERT_TRUE(data.block_ready(64));
  EXPECT_TRUE(pipeline.writing_message_data());
  EXPECT_EQ(pipeline.take_write(64), (Write{"x\r\n.\r\n", Stage::data_block, true}));
  EXPECT_TRUE(pipeline.final_dot_handed_out);
  EXPECT_FALSE(pipeline.data.has_value());
  EXPECT_EQ(pipeline.take_write(64), (Write{"QUIT\r\n", Stage::quit}));
}

TEST(DataStream, DotStuffsUnlessBdatCarriesTheOctetsAsTheyAre) {
  DataStream dot;
  dot.take(".hidden\r\n");
  dot.end();
  EXPECT_EQ(dot.stuffed, "..hidden\r\n.\r\n");
  EXPECT_EQ(dot.offset, 9u);
  DataStream bdat;
  bdat.chunked = true;
  bdat.take(".hidden\r\n");
  bdat.end();
  EXPECT_EQ(bdat.stuffed, ".hidden\r\n");
  EXPECT_TRUE(bdat.end_marked);
}

TEST(Pipeline, StopForgetsEverythingAndCloses) {
  Pipeline pipeline;
  pipeline.outgoing.bytes = "QUIT\r\n";
  pipeline.awaited.push_back(Expectation{Awaited::mail});
  pipeline.data.emplace();
  pipeline.in_flight = Write{"x", Stage::data_block, true};
  pipeline.stop();
  EXPECT_TRUE(pipeline.closing);
  EXPECT_TRUE(pipeline.outgoing.empty());
  EXPECT_TRUE(pipeline.awaited.empty());
  EXPECT_FALSE(pipeline.data || pipeline.in_flight);
}

}  // namespace
}  // namespace smtpsend::smtp
