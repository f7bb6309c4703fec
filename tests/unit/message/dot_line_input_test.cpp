// sendmail's end of input without -i: a line holding only ".".
#include "smtpsend/message/dot_line_input.hpp"

#include <gtest/gtest.h>

namespace smtpsend::message {
namespace {

std::optional<std::size_t> dot_line(std::string_view input) {
  return find_dot_line(input, 0, true).dot_line;
}

TEST(DotLine, ALineHoldingOnlyADotEndsTheMessage) {
  EXPECT_EQ(dot_line("Subject: x\n\nbody\n.\nafter\n"), 17u);
  EXPECT_EQ(dot_line("Subject: x\r\n\r\nbody\r\n.\r\nafter\r\n"), 20u);
  EXPECT_EQ(dot_line(".\n"), 0u);
  EXPECT_EQ(dot_line(".\r\n"), 0u);
}

TEST(DotLine, ADotAsTheLastLineWithoutNewlineCountsOnlyAtEndOfInput) {
  EXPECT_EQ(dot_line("body\n."), 5u);
  EXPECT_EQ(dot_line("body\n.\r"), 5u);
  EXPECT_EQ(find_dot_line("body\n.", 0, false).dot_line, std::nullopt);
  EXPECT_EQ(find_dot_line("body\n.", 0, false).resume, 5u);
}

TEST(DotLine, OtherLinesWithDotsAreText) {
  EXPECT_EQ(dot_line("..\n"), std::nullopt);
  EXPECT_EQ(dot_line("x.\n"), std::nullopt);
  EXPECT_EQ(dot_line(".x\n"), std::nullopt);
  EXPECT_EQ(dot_line(" .\n"), std::nullopt);
  EXPECT_EQ(dot_line(". \n"), std::nullopt);
  EXPECT_EQ(dot_line(".\r.\n"), std::nullopt);
  EXPECT_EQ(dot_line("a\r.\rb\n"), std::nullopt);  // a bare CR does not end a line here
  EXPECT_EQ(dot_line("body\n..\nx.\n"), std::nullopt);
  EXPECT_EQ(dot_line(""), std::nullopt);
}

TEST(DotLine, SplitAtEveryOffsetFindsTheSameLine) {
  const std::string input = "a\n..\nx.\r\n.\r\nafter\n";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    const DotLineSearch first = find_dot_line(std::string_view(input).substr(0, cut), 0, false);
    const std::optional<std::size_t> found =
        first.dot_line ? first.dot_line : find_dot_line(input, first.resume, true).dot_line;
    EXPECT_EQ(found, std::optional<std::size_t>(9)) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace smtpsend::message
