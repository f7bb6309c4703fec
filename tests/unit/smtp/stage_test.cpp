#include "smtpsend/smtp/stage.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace smtpsend::smtp {
namespace {

using std::chrono::seconds;

TEST(StageTable, DefaultsFollowRfc5321Section4532) {
  EXPECT_EQ(stage_info(Stage::greeting).default_timeout, seconds{300});
  EXPECT_EQ(stage_info(Stage::mail).default_timeout, seconds{300});
  EXPECT_EQ(stage_info(Stage::rcpt).default_timeout, seconds{300});
  EXPECT_EQ(stage_info(Stage::data).default_timeout, seconds{120});
  EXPECT_EQ(stage_info(Stage::data_block).default_timeout, seconds{180});
  EXPECT_EQ(stage_info(Stage::end_of_data).default_timeout, seconds{600});
}

TEST(StageTable, EveryStageHasANameSentenceAndItsOwnRow) {
  const auto table = stage_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(table[i].stage), i);
    EXPECT_FALSE(table[i].name.empty());
    EXPECT_FALSE(table[i].sentence.empty());
  }
  EXPECT_EQ(stage_info(Stage::rcpt).sentence, "while sending RCPT TO");
  EXPECT_EQ(stage_info(Stage::rcpt).command, "RCPT TO");
  std::ostringstream os;
  os << Stage::end_of_data;
  EXPECT_EQ(os.str(), "end_of_data");
}

TEST(StageTimeouts, TimeoutOptionOverridesEveryStage) {
  StageTimeouts defaults;
  EXPECT_EQ(defaults.for_stage(Stage::end_of_data), seconds{600});
  StageTimeouts every{seconds{7}};
  EXPECT_EQ(every.for_stage(Stage::end_of_data), seconds{7});
  EXPECT_EQ(every.for_stage(Stage::greeting), seconds{7});
}

}  // namespace
}  // namespace smtpsend::smtp
