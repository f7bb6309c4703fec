#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/smtp/reply.hpp"

namespace smtpsend::smtp {
namespace {

struct ParseRun {
  std::vector<Reply> replies;
  std::error_code error;
  std::size_t consumed = 0;
};

// Feeds `pieces` in order, collecting every complete reply; stops at the first error.
ParseRun parse_pieces(const std::vector<std::string>& pieces) {
  ParseRun run;
  ReplyParser parser;
  for (const std::string& piece : pieces) {
    std::string_view rest = piece;
    while (!rest.empty()) {
      const auto result = parser.feed(rest);
      run.consumed += result.consumed;
      rest.remove_prefix(result.consumed);
      if (result.status == ReplyParser::Status::error) {
        run.error = parser.error();
        return run;
      }
      if (result.status == ReplyParser::Status::reply_ready) run.replies.push_back(parser.take());
    }
  }
  return run;
}

// DESIGN.md rule 5: the same bytes whole, one byte at a time, and split at every offset must
// give the same replies.
void expect_same_at_every_split(const std::string& input, const ParseRun& expected) {
  std::vector<std::string> bytes;
  for (char c : input) bytes.emplace_back(1, c);
  const ParseRun one_by_one = parse_pieces(bytes);
  EXPECT_EQ(one_by_one.replies, expected.replies) << "byte by byte";
  EXPECT_EQ(one_by_one.error, expected.error) << "byte by byte";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    const ParseRun split = parse_pieces({input.substr(0, cut), input.substr(cut)});
    EXPECT_EQ(split.replies, expected.replies) << "split at " << cut;
    EXPECT_EQ(split.error, expected.error) << "split at " << cut;
  }
}

TEST(ReplyParser, SingleLineWithEnhancedCode) {
  const std::string input = "250 2.1.0 Sender ok\r\n";
  const ParseRun run = parse_pieces({input});
  ASSERT_EQ(run.replies.size(), 1u);
  EXPECT_EQ(run.replies[0].code, 250);
  EXPECT_EQ(run.replies[0].enhanced, "2.1.0");
  EXPECT_EQ(run.replies[0].text(), "Sender ok");
  EXPECT_EQ(run.consumed, input.size());
  expect_same_at_every_split(input, run);
}

TEST(ReplyParser, MultiLineEhloReply) {
  const std::string input =
      "250-mx.example.com Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 8BITMIME\r\n";
  const ParseRun run = parse_pieces({input});
  ASSERT_EQ(run.replies.size(), 1u);
  EXPECT_EQ(run.replies[0].lines, (std::vector<std::string>{"mx.example.com Hello", "PIPELINING",
                                                            "SIZE 10240000", "8BITMIME"}));
  EXPECT_EQ(run.replies[0].enhanced, "");
  expect_same_at_every_split(input, run);
}

TEST(ReplyParser, PipelinedRepliesAreReturnedOneAtATime) {
  const std::string input = "250 2.1.0 ok\r\n550 5.1.1 User unknown\r\n354 go ahead\r\n";
  ReplyParser parser;
  const auto first = parser.feed(input);
  ASSERT_EQ(first.status, ReplyParser::Status::reply_ready);
  // The parser never consumes past the end of one reply.
  EXPECT_EQ(first.consumed, std::string("250 2.1.0 ok\r\n").size());
  EXPECT_EQ(parser.take().code, 250);
  const ParseRun run = parse_pieces({input});
  ASSERT_EQ(run.replies.size(), 3u);
  EXPECT_EQ(run.replies[1].code, 550);
  EXPECT_EQ(run.replies[1].enhanced, "5.1.1");
  EXPECT_EQ(run.replies[1].text(), "User unknown");
  EXPECT_EQ(run.replies[2].code, 354);
  expect_same_at_every_split(input, run);
}

TEST(ReplyParser, BareLfAndCodeOnlyLinesAreAccepted) {
  const std::string input = "220\n250-a\n250 b\n";
  const ParseRun run = parse_pieces({input});
  ASSERT_EQ(run.replies.size(), 2u);
  EXPECT_EQ(run.replies[0].code, 220);
  EXPECT_EQ(run.replies[0].lines, std::vector<std::string>{""});
  EXPECT_EQ(run.replies[1].text(), "a b");
  expect_same_at_every_split(input, run);
}

TEST(ReplyParser, EnhancedCodeWhoseClassDiffersFromTheReplyIsNotTrusted) {
  // DESIGN.md rule 10: a 550 claiming "2.0.0" must not read as a success detail.
  const ParseRun run = parse_pieces({"550 2.0.0 odd\r\n"});
  ASSERT_EQ(run.replies.size(), 1u);
  EXPECT_EQ(run.replies[0].enhanced, "");
  EXPECT_EQ(run.replies[0].text(), "2.0.0 odd");
}

TEST(ReplyParser, EnhancedCodeNeedsDigitsInEveryPart) {
  for (const char* input : {"550 5.1 x\r\n", "550 5..1 x\r\n", "550 5.1.1234 x\r\n",
                            "550 5.1.1x y\r\n", "550 55.1.1 x\r\n"}) {
    const ParseRun run = parse_pieces({input});
    ASSERT_EQ(run.replies.size(), 1u) << input;
    EXPECT_EQ(run.replies[0].enhanced, "") << input;
  }
  const ParseRun ok = parse_pieces({"452 4.5.3 Too many recipients\r\n"});
  EXPECT_EQ(ok.replies.at(0).enhanced, "4.5.3");
}

TEST(ReplyParser, MalformedLinesAreErrors) {
  for (const char* input :
       {"hello\r\n", "25\r\n", "250x ok\r\n", "650 ok\r\n", "150 ok\r\n", "2a0 ok\r\n", "\r\n"}) {
    const ParseRun run = parse_pieces({input});
    EXPECT_TRUE(run.replies.empty()) << input;
    EXPECT_EQ(run.error, make_error_code(Errc::reply_malformed)) << input;
    expect_same_at_every_split(input, run);
  }
}

TEST(ReplyParser, DifferentCodesInOneReplyAreAnError) {
  const std::string input = "250-a\r\n251 b\r\n";
  const ParseRun run = parse_pieces({input});
  EXPECT_EQ(run.error, make_error_code(Errc::reply_code_mismatch));
  expect_same_at_every_split(input, run);
}

TEST(ReplyParser, LineAtTheLimitIsAcceptedAndOneByteMoreIsAnError) {
  const std::string at_limit = "250 " + std::string(kMaxReplyLineLength - 4, 'x') + "\r\n";
  const ParseRun ok = parse_pieces({at_limit});
  ASSERT_EQ(ok.replies.size(), 1u);
  EXPECT_FALSE(ok.error);

  const std::string over = "250 " + std::string(kMaxReplyLineLength - 3, 'x') + "\r\n";
  const ParseRun bad = parse_pieces({over});
  EXPECT_TRUE(bad.replies.empty());
  EXPECT_EQ(bad.error, make_error_code(Errc::reply_line_too_long));

  const std::string over_bare_lf = "250 " + std::string(kMaxReplyLineLength - 3, 'x') + "\n";
  EXPECT_EQ(parse_pieces({over_bare_lf}).error, make_error_code(Errc::reply_line_too_long));
}

TEST(ReplyParser, EndlessLineWithoutNewlineIsCutOffWithBoundedMemory) {
  ReplyParser parser;
  const std::string chunk(1000, 'x');
  ReplyParser::Status status = parser.feed("250 ").status;
  std::size_t fed = 4;
  while (status == ReplyParser::Status::need_more && fed < 100000) {
    status = parser.feed(chunk).status;
    fed += chunk.size();
  }
  EXPECT_EQ(status, ReplyParser::Status::error);
  EXPECT_LE(fed, kMaxReplyLineLength + 2 * chunk.size());
  EXPECT_EQ(parser.error(), make_error_code(Errc::reply_line_too_long));
}

TEST(ReplyParser, ReplyAtTheLineLimitIsAcceptedAndOneLineMoreIsAnError) {
  std::string at_limit;
  for (std::size_t i = 0; i + 1 < kMaxReplyLines; ++i) at_limit += "250-x\r\n";
  at_limit += "250 last\r\n";
  const ParseRun ok = parse_pieces({at_limit});
  ASSERT_EQ(ok.replies.size(), 1u);
  EXPECT_EQ(ok.replies[0].lines.size(), kMaxReplyLines);

  std::string over;
  for (std::size_t i = 0; i < kMaxReplyLines; ++i) over += "250-x\r\n";
  over += "250 last\r\n";
  const ParseRun bad = parse_pieces({over});
  EXPECT_TRUE(bad.replies.empty());
  EXPECT_EQ(bad.error, make_error_code(Errc::reply_too_many_lines));
}

TEST(ReplyParser, ErrorIsStickyUntilReset) {
  ReplyParser parser;
  EXPECT_EQ(parser.feed("garbage\r\n").status, ReplyParser::Status::error);
  EXPECT_EQ(parser.feed("250 ok\r\n").status, ReplyParser::Status::error);
  parser.reset();
  EXPECT_EQ(parser.feed("250 ok\r\n").status, ReplyParser::Status::reply_ready);
  EXPECT_EQ(parser.take().code, 250);
}

TEST(ReplyParser, ServerReplyCarriesCodeEnhancedAndJoinedText) {
  const ParseRun run =
      parse_pieces({"550-5.1.1 The email account does not exist.\r\n"
                    "550 5.1.1 Please try again.\r\n"});
  ASSERT_EQ(run.replies.size(), 1u);
  const ServerReply server = run.replies[0].to_server_reply();
  EXPECT_EQ(server.code, 550);
  EXPECT_EQ(server.enhanced, "5.1.1");
  EXPECT_EQ(server.text, "The email account does not exist. Please try again.");
}

}  // namespace
}  // namespace smtpsend::smtp
