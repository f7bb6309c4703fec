// parallel_within: --max-parallel lowered to what the open-files limit holds.
#include "smtpsend/delivery/descriptor_budget.hpp"

#include <gtest/gtest.h>

namespace smtpsend::delivery {
namespace {

TEST(DescriptorBudget, AGenerousLimitKeepsTheRequest) {
  EXPECT_EQ(parallel_within(8, DescriptorBudget{1024, 10, 2}), 8u);
  EXPECT_EQ(parallel_within(1000, DescriptorBudget{1048576, 10, 2}), 1000u);
}

TEST(DescriptorBudget, ALowLimitLowersItByWhatIsTaken) {
  // 64 - (10 open + 2 resolver + transient) = what is left, one socket per destination.
  const std::size_t left = 64 - 10 - 2 - kTransientDescriptors;
  EXPECT_EQ(parallel_within(64, DescriptorBudget{64, 10, 2}), left / kDescriptorsPerDestination);
  EXPECT_EQ(parallel_within(left, DescriptorBudget{64, 10, 2}), left);
  EXPECT_EQ(parallel_within(left + 1, DescriptorBudget{64, 10, 2}), left);
}

TEST(DescriptorBudget, NeverBelowOne) {
  EXPECT_EQ(parallel_within(64, DescriptorBudget{16, 14, 2}), 1u);
  EXPECT_EQ(parallel_within(64, DescriptorBudget{8, 20, 2}), 1u);
  EXPECT_EQ(parallel_within(0, DescriptorBudget{1024, 10, 2}), 1u);
}

TEST(DescriptorBudget, ThisProcessHasABudget) {
  const auto budget = current_descriptor_budget(2);
  ASSERT_TRUE(budget.has_value());
  EXPECT_GE(budget->in_use, 1u) << "the test runner's output at least";
  EXPECT_LT(budget->in_use, budget->limit);
  EXPECT_EQ(budget->resolver, 2u);
}

}  // namespace
}  // namespace smtpsend::delivery
