#include <gtest/gtest.h>

#include <string>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {
namespace {

struct CrlfCase {
  const char* name;
  std::string raw;
  std::string canonical;
};

void PrintTo(const CrlfCase& c, std::ostream* os) {
  *os << c.name;
}

// The smuggling payloads ("\n.\n", "\r\n.\r", "\r.\r") must come out as ordinary CRLF lines.
const CrlfCase kCrlfCases[] = {
    {"empty", "", ""},
    {"already_canonical", "a\r\nb\r\n", "a\r\nb\r\n"},
    {"bare_lf", "a\nb\n", "a\r\nb\r\n"},
    {"bare_cr", "a\rb\r", "a\r\nb\r\n"},
    {"mixed", "a\r\nb\nc\rd\r\n", "a\r\nb\r\nc\r\nd\r\n"},
    {"no_final_newline", "a\r\nlast", "a\r\nlast\r\n"},
    {"single_line_no_newline", "x", "x\r\n"},
    {"lf_dot_lf", "\n.\n", "\r\n.\r\n"},
    {"crlf_dot_cr", "\r\n.\r", "\r\n.\r\n"},
    {"cr_dot_cr", "\r.\r", "\r\n.\r\n"},
    {"lf_cr_is_two_breaks", "a\n\rb", "a\r\n\r\nb\r\n"},
    {"cr_cr_lf", "a\r\r\nb", "a\r\n\r\nb\r\n"},
    {"only_cr", "\r", "\r\n"},
    {"only_lf", "\n", "\r\n"},
    {"many_bare_cr", std::string(1000, '\r'),
     [] {
       std::string s;
       for (int i = 0; i < 1000; ++i) s += "\r\n";
       return s;
     }()},
    {"nul_bytes_kept", std::string("a\0b\n", 4), std::string("a\0b\r\n", 5)},
    {"eight_bit_kept", "caf\xc3\xa9\n", "caf\xc3\xa9\r\n"},
};

class CrlfTable : public testing::TestWithParam<CrlfCase> {};

TEST_P(CrlfTable, Canonicalizes) {
  EXPECT_EQ(canonicalize_crlf(GetParam().raw), GetParam().canonical);
}

// No bare CR or bare LF survives, and the result is a fixed point.
TEST_P(CrlfTable, ResultHasOnlyCrlfAndIsIdempotent) {
  const std::string out = canonicalize_crlf(GetParam().raw);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') {
      ASSERT_LT(i + 1, out.size());
      EXPECT_EQ(out[i + 1], '\n') << "bare CR at " << i;
    }
    if (out[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(out[i - 1], '\r') << "bare LF at " << i;
    }
  }
  EXPECT_EQ(canonicalize_crlf(out), out);
}

// The same bytes as a body behind a header go through the whole load pipeline unchanged.
TEST_P(CrlfTable, WholePipelineCarriesCanonicalBody) {
  const std::string header = "Subject: t\n\n";
  CompletionContext ctx{"host.example", std::chrono::system_clock::time_point{}, "u"};
  Message msg;
  LoadError error;
  ASSERT_TRUE(prepare_message(header + GetParam().raw, "test", ctx, msg, error)) << error.detail;
  const std::string expected_body = canonicalize_crlf(GetParam().raw);
  ASSERT_GE(msg.content.size(), expected_body.size());
  EXPECT_EQ(msg.content.substr(msg.content.size() - expected_body.size()), expected_body);
  EXPECT_EQ(msg.content.substr(msg.facts.header_end, 2), "\r\n");
  EXPECT_TRUE(msg.content.ends_with("\r\n"));
  EXPECT_EQ(msg.eight_bit, has_eight_bit(GetParam().raw));
}

INSTANTIATE_TEST_SUITE_P(Message, CrlfTable, testing::ValuesIn(kCrlfCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Crlf, LargeLfOnlyInputDoublesLineEndingsOnly) {
  std::string raw;
  for (int i = 0; i < 100000; ++i) raw += "line of text\n";
  const std::string out = canonicalize_crlf(raw);
  EXPECT_EQ(out.size(), raw.size() + 100000);
  EXPECT_TRUE(out.starts_with("line of text\r\nline of text\r\n"));
}

TEST(EightBit, DetectsAnyHighByteAtAnyPosition) {
  EXPECT_FALSE(has_eight_bit(""));
  EXPECT_FALSE(has_eight_bit(std::string(1000, 'a')));
  EXPECT_FALSE(has_eight_bit(std::string("\x7f\x00\x01", 3)));
  for (std::size_t pos : {0u, 7u, 63u, 64u, 65u, 127u, 128u, 999u}) {
    std::string s(1000, 'a');
    s[pos] = '\x80';
    EXPECT_TRUE(has_eight_bit(s)) << pos;
    s[pos] = '\xff';
    EXPECT_TRUE(has_eight_bit(s)) << pos;
  }
}

}  // namespace
}  // namespace smtpsend::message

namespace smtpsend::message {
namespace {

TEST(CanonicalCrlfCheck, AcceptsOnlyWhatCanonicalizeWouldLeaveUnchanged) {
  for (const std::string_view text :
       {"a\r\n", "Subject: x\r\n\r\nbody\r\n", "\r\n", "a\r\nb\r\n\r\n"}) {
    EXPECT_TRUE(is_canonical_crlf(text)) << text;
    EXPECT_EQ(canonicalize_crlf(text), text);
  }
  for (const std::string_view text :
       {"a", "a\n", "a\r", "a\r\nb\n", "a\rb\r\n", "\n\r\n", "a\r\r\n", "a\r\n\r"}) {
    EXPECT_FALSE(is_canonical_crlf(text)) << ::testing::PrintToString(std::string(text));
    EXPECT_NE(canonicalize_crlf(text), text) << ::testing::PrintToString(std::string(text));
  }
  EXPECT_FALSE(is_canonical_crlf(""));  // nothing to take over; canonicalize_crlf("") is ""
}

// Taking the bytes over must give the same message as copying them.
TEST(CanonicalCrlfCheck, PrepareMessageByMoveEqualsByCopy) {
  CompletionContext ctx;
  ctx.fqdn = "host.example";
  for (const std::string& text :
       {std::string("Subject: a\r\n\r\nb\r\n"), std::string("Subject: a\n\nb\n")}) {
    Message copied, moved;
    LoadError e1, e2;
    ASSERT_TRUE(prepare_message(std::string_view(text), "x", ctx, copied, e1)) << e1.detail;
    ASSERT_TRUE(prepare_owned_message(std::string(text), "x", ctx, moved, e2)) << e2.detail;
    // Date and Message-ID differ between the two runs; everything after them is the same.
    EXPECT_EQ(copied.content.substr(copied.content.find("Subject:")),
              moved.content.substr(moved.content.find("Subject:")));
  }
}

}  // namespace
}  // namespace smtpsend::message
