// sendmail's end of input without -i: a line holding only ".", found by a filter fed input split
// anywhere.
#include "smtpsend/message/dot_line_input.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <random>

namespace smtpsend::message {
namespace {

struct Filtered {
  std::string message;
  bool dot_line = false;     // ended before the end of input
  std::size_t consumed = 0;  // input bytes taken, the dot line's included
  friend bool operator==(const Filtered&, const Filtered&) = default;
};

std::ostream& operator<<(std::ostream& os, const Filtered& f) {
  return os << "{message " << ::testing::PrintToString(f.message) << ", dot_line " << f.dot_line
            << ", consumed " << f.consumed << "}";
}

// The input in `pieces` (cut at the given offsets), then end of input.
Filtered filter(std::string_view input, const std::vector<std::size_t>& cuts) {
  DotLineFilter filter;
  Filtered result;
  std::size_t from = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(input.size());
  for (const std::size_t end : ends) {
    const std::string_view piece = input.substr(from, end - from);
    const std::size_t took = filter.feed(piece, result.message);
    result.consumed += took;
    if (filter.ended()) {
      result.dot_line = true;
      return result;
    }
    EXPECT_EQ(took, piece.size()) << "a filter that has not ended takes everything";
    from = end;
  }
  filter.finish();
  EXPECT_TRUE(filter.ended());
  // A last line "." or ".\r" without LF is the dot line too.
  result.dot_line = result.message.size() < input.size();
  return result;
}

// Line by line, as sendmail reads: the reference the filter is compared with.
Filtered reference(std::string_view input) {
  std::size_t start = 0;
  while (start < input.size()) {
    const std::size_t lf = input.find('\n', start);
    const std::string_view line =
        input.substr(start, lf == std::string_view::npos ? std::string_view::npos : lf - start);
    if (line == "." || line == ".\r") {
      return {std::string(input.substr(0, start)), true,
              lf == std::string_view::npos ? input.size() : lf + 1};
    }
    if (lf == std::string_view::npos) break;
    start = lf + 1;
  }
  return {std::string(input), false, input.size()};
}

// Whole, split at every offset, split at every pair of offsets and byte by byte: the same.
void expect_everywhere(std::string_view input, const Filtered& expected) {
  EXPECT_EQ(filter(input, {}), expected) << "whole: " << ::testing::PrintToString(input);
  EXPECT_EQ(reference(input), expected) << "reference: " << ::testing::PrintToString(input);
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    EXPECT_EQ(filter(input, {cut}), expected) << "cut at " << cut;
    for (std::size_t second = cut; second <= input.size(); ++second) {
      EXPECT_EQ(filter(input, {cut, second}), expected) << "cut at " << cut << " and " << second;
    }
  }
  std::vector<std::size_t> every;
  for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
  EXPECT_EQ(filter(input, every), expected) << "byte by byte";
}

TEST(DotLineFilter, ALineHoldingOnlyADotEndsTheMessage) {
  expect_everywhere("Subject: x\n\nbody\n.\nafter\n", {"Subject: x\n\nbody\n", true, 19});
  expect_everywhere("Subject: x\r\n\r\nbody\r\n.\r\nafter\r\n",
                    {"Subject: x\r\n\r\nbody\r\n", true, 23});
  expect_everywhere(".\n", {"", true, 2});
  expect_everywhere(".\r\n", {"", true, 3});
  expect_everywhere(".\n.\n", {"", true, 2});
}

TEST(DotLineFilter, ADotAsTheLastLineWithoutNewlineCountsAtEndOfInput) {
  expect_everywhere("body\n.", {"body\n", true, 6});
  expect_everywhere("body\n.\r", {"body\n", true, 7});
  expect_everywhere(".", {"", true, 1});
}

TEST(DotLineFilter, OtherLinesWithDotsAreText) {
  for (const std::string_view text :
       {"..\n", "x.\n", ".x\n", " .\n", ". \n", ".\r.\n", "a\r.\rb\n", "body\n..\nx.\n", "",
        ".\r\r\n", "..", ".x", ".\rx", "\n\n", "a\n.\r\r\n.a\n"}) {
    expect_everywhere(text, {std::string(text), false, text.size()});
  }
}

TEST(DotLineFilter, HeldBackBytesComeOutBeforeWhatFollows) {
  expect_everywhere("a\n.b\n.\r.\n..\n.\nz", {"a\n.b\n.\r.\n..\n", true, 14});
}

TEST(DotLineFilter, NothingIsTakenAfterTheDotLine) {
  DotLineFilter filter;
  std::string out;
  EXPECT_EQ(filter.feed("a\n.\nb\n", out), 4u);
  EXPECT_TRUE(filter.ended());
  EXPECT_EQ(filter.feed("more\n", out), 0u);
  EXPECT_EQ(out, "a\n");
}

// Random lines of dots, CRs, LFs and letters, in random pieces, against the reference.
TEST(DotLineFilter, RandomInputInRandomPiecesMatchesTheReference) {
  std::mt19937 rng(20261206);
  const std::string alphabet = "..\r\nx";
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    const std::size_t length = rng() % 40;
    for (std::size_t i = 0; i < length; ++i) input.push_back(alphabet[rng() % alphabet.size()]);
    std::vector<std::size_t> cuts;
    for (std::size_t at = 0; at < input.size();) {
      at += 1 + rng() % 5;
      if (at < input.size()) cuts.push_back(at);
    }
    EXPECT_EQ(filter(input, cuts), reference(input)) << ::testing::PrintToString(input);
  }
}

}  // namespace
}  // namespace smtpsend::message
