#include "smtpsend/message/dot_stuffer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtpsend::message {
namespace {

std::string encode_pieces(const std::vector<std::string>& pieces) {
  DotStuffer stuffer;
  std::string out;
  for (const std::string& piece : pieces) stuffer.feed(piece, out);
  stuffer.finish(out);
  return out;
}

// The encoding must not depend on where the input was cut: whole, byte by byte, every split.
void expect_encodes_to(const std::string& input, const std::string& expected) {
  EXPECT_EQ(encode_pieces({input}), expected) << "whole";
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  EXPECT_EQ(encode_pieces(bytes), expected) << "byte by byte";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    EXPECT_EQ(encode_pieces({input.substr(0, cut), input.substr(cut)}), expected)
        << "split at " << cut;
  }
}

TEST(DotStuffer, LeadingDotsAreDoubled) {
  expect_encodes_to(".hidden\r\nx.y\r\n..two\r\n.\r\n", "..hidden\r\nx.y\r\n...two\r\n..\r\n.\r\n");
}

TEST(DotStuffer, FinalCrlfIsAddedOnlyWhenMissing) {
  expect_encodes_to("no newline", "no newline\r\n.\r\n");
  expect_encodes_to("line\r\n", "line\r\n.\r\n");
  expect_encodes_to("", ".\r\n");
}

TEST(DotStuffer, BareLfSmugglingPayloadCannotEndTheData) {
  // "\n.\n" would end DATA on a lenient server (SMTP smuggling); it must become a stuffed line.
  expect_encodes_to("a\n.\nMAIL FROM:<x@y>\n", "a\r\n..\r\nMAIL FROM:<x@y>\r\n.\r\n");
}

TEST(DotStuffer, CrlfDotLfAndBareCrPayloadsAreNormalised) {
  expect_encodes_to("a\r\n.\nb\r\n", "a\r\n..\r\nb\r\n.\r\n");
  expect_encodes_to("a\r.\rb", "a\r\n..\r\nb\r\n.\r\n");
  expect_encodes_to("a\r\n.\r\r\nb", "a\r\n..\r\n\r\nb\r\n.\r\n");
}

TEST(DotStuffer, DotAtAChunkBoundaryIsStuffed) {
  EXPECT_EQ(encode_pieces({"abc\r\n", ".def\r\n"}), "abc\r\n..def\r\n.\r\n");
  EXPECT_EQ(encode_pieces({"abc\r", "\n.", "def"}), "abc\r\n..def\r\n.\r\n");
  EXPECT_EQ(encode_pieces({"abc\r", "", "\n", ".", ""}), "abc\r\n..\r\n.\r\n");
}

TEST(DotStuffer, IsReusableAfterFinish) {
  DotStuffer stuffer;
  std::string out;
  stuffer.feed("one", out);
  stuffer.finish(out);
  stuffer.feed(".two\r", out);
  stuffer.finish(out);
  EXPECT_EQ(out, "one\r\n.\r\n..two\r\n.\r\n");
}

TEST(DotStuffer, EightBitAndNulBytesPassThrough) {
  const std::string input = std::string("caf\xc3\xa9 \0x", 8) + "\r\n";
  expect_encodes_to(input, input + ".\r\n");
}

}  // namespace
}  // namespace smtpsend::message
