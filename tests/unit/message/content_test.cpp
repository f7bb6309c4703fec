// The streaming CRLF canonicaliser and the reader of a large message's spooled tail, checked
// against a plain reference, fed whole, one byte at a time and split at every offset.
#include "smtpsend/message/content.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "smtpsend/message/message.hpp"
#include "support/spooled_body.hpp"

namespace smtpsend::message {
namespace {

using smtpsend::testing::reference_canonical;
using smtpsend::testing::sizes;
using smtpsend::testing::spooled_body;
using smtpsend::testing::SpooledBodyOptions;

const std::vector<std::string>& raw_inputs() {
  static const std::vector<std::string> inputs = {
      "",
      "a",
      "\r",
      "\n",
      "\r\n",
      "line\r\nline\r\n",
      "lf only\nsecond\n",
      "bare cr\rnext\r",
      "mixed\r\n\n\r\r\n.\r\n",
      "\r\r\r\n\n\n",
      "no final line break",
      "ends in cr\r",
      ".\n.\r.\r\n",
      std::string("nul\0byte\n\xff\xfe\r", 13),
  };
  return inputs;
}

std::string canonicalize_in_pieces(const std::vector<std::string_view>& pieces) {
  CrlfCanonicalizer canonicalizer;
  std::string out;
  for (std::string_view piece : pieces) canonicalizer.feed(piece, out);
  canonicalizer.finish(out);
  return out;
}

TEST(CrlfCanonicalizer, MatchesTheReferenceWholeByteByByteAndSplitAnywhere) {
  for (const std::string& raw : raw_inputs()) {
    const std::string expected = reference_canonical(raw);
    EXPECT_EQ(canonicalize_in_pieces({raw}), expected) << raw;
    EXPECT_EQ(canonicalize_crlf(raw), expected) << raw;
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < raw.size(); ++i)
      bytes.push_back(std::string_view(raw).substr(i, 1));
    EXPECT_EQ(canonicalize_in_pieces(bytes), expected) << "byte by byte: " << raw;
    for (std::size_t cut = 0; cut <= raw.size(); ++cut) {
      const std::string_view all(raw);
      EXPECT_EQ(canonicalize_in_pieces({all.substr(0, cut), all.substr(cut)}), expected)
          << "split at " << cut << ": " << raw;
    }
  }
}

TEST(CanonicalSize, IsTheSizeOfTheCanonicalFormWholeByteByByteAndSplitAnywhere) {
  for (const std::string& raw : raw_inputs()) {
    const std::uint64_t expected = reference_canonical(raw).size();
    CanonicalSize whole;
    whole.add(raw);
    EXPECT_EQ(whole.finish(), expected) << raw;
    CanonicalSize bytes;
    for (char c : raw) bytes.add(std::string_view(&c, 1));
    EXPECT_EQ(bytes.finish(), expected) << "byte by byte: " << raw;
    for (std::size_t cut = 0; cut <= raw.size(); ++cut) {
      CanonicalSize split;
      split.add(std::string_view(raw).substr(0, cut));
      split.add(std::string_view(raw).substr(cut));
      EXPECT_EQ(split.finish(), expected) << "split at " << cut << ": " << raw;
    }
  }
}

// Long inputs of CR, LF, dots and letters: the size is counted eight bytes at a time, so line
// breaks fall on every position of a word and across words and pieces.
TEST(CanonicalSize, RandomLineBreaksInLongInputs) {
  std::mt19937 rng(5321);
  for (int round = 0; round < 200; ++round) {
    std::string raw(1 + rng() % 300, 'x');
    for (char& c : raw) c = "\r\n.ab"[rng() % 5];
    CanonicalSize counted;
    for (std::size_t at = 0; at < raw.size();) {
      const std::size_t n = 1 + rng() % 40;
      counted.add(std::string_view(raw).substr(at, n));
      at += n;
    }
    EXPECT_EQ(counted.finish(), reference_canonical(raw).size()) << raw;
  }
}

TEST(CrlfCanonicalizer, ACrAtTheEndOfOnePieceAndAnLfAtTheStartOfTheNextAreOneLineBreak) {
  EXPECT_EQ(canonicalize_in_pieces({"a\r", "\nb"}), "a\r\nb\r\n");
  EXPECT_EQ(canonicalize_in_pieces({"a\r", "", "\nb"}), "a\r\nb\r\n");
  EXPECT_EQ(canonicalize_in_pieces({"a\r", "b"}), "a\r\nb\r\n");
}

std::string read_all(ContentReader& reader, std::size_t max) {
  std::string out;
  for (;;) {
    std::string_view slice;
    std::string error;
    EXPECT_TRUE(reader.next(max, slice, error)) << error;
    if (slice.empty()) return out;
    EXPECT_LE(slice.size(), max);
    out.append(slice);
  }
}

TEST(ContentReader, InMemoryContentIsHandedOutAsViewsOfItself) {
  const std::string content = "Subject: x\r\n\r\nbody\r\n";
  ContentReader reader{ContentView(content)};
  std::string_view slice;
  std::string error;
  ASSERT_TRUE(reader.next(5, slice, error));
  EXPECT_EQ(slice.data(), content.data());
  EXPECT_EQ(slice, "Subje");
}

TEST(ContentReader, HeadThenTheCanonicalTailForEverySliceSize) {
  const std::string head = "Subject: big\r\n\r\nfirst line\r\n";
  std::string tail_raw;
  for (int i = 0; i < 20000; ++i)
    tail_raw += (i % 3 == 0 ? ".dot\n" : i % 3 == 1 ? "cr\r" : "x\r\n");
  const auto tail = spooled_body(tail_raw);
  const std::string expected = head + reference_canonical(tail_raw);
  const ContentView view(head, tail.get());
  EXPECT_EQ(view.size(), expected.size());
  for (std::size_t max : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{65536},
                          std::size_t{10'000'000}}) {
    ContentReader reader(view);
    EXPECT_EQ(read_all(reader, max), expected) << "slices of " << max;
  }
}

TEST(ContentReader, EveryRawInputAsATail) {
  for (const std::string& raw : raw_inputs()) {
    if (raw.empty()) continue;
    const auto tail = spooled_body(raw);
    ContentReader reader(ContentView("H: v\r\n\r\n", tail.get()));
    EXPECT_EQ(read_all(reader, 3), "H: v\r\n\r\n" + reference_canonical(raw)) << raw;
  }
}

TEST(ContentReader, AFileThatShrankIsAnErrorNotAShortMessage) {
  // Loaded when it had 100 bytes; 10 are left.
  const auto tail = spooled_body("0123456789", sizes(100, 102));
  ContentReader reader(ContentView("", tail.get()));
  std::string_view slice;
  std::string error;
  std::string got;
  bool ok = true;
  while (ok) {
    ok = reader.next(4, slice, error);
    if (ok && slice.empty()) break;
    got.append(slice);
  }
  EXPECT_FALSE(ok);
  EXPECT_EQ(error, "big.eml changed while it was being sent");
  EXPECT_LE(got.size(), 10u);
}

TEST(ContentReader, NeverHandsOutMoreThanTheAnnouncedSize) {
  // Loaded with LF line ends (wire size 8); now it has bare CRs that canonicalise longer.
  const auto tail = spooled_body("a\rb\rc\rd\r", sizes(std::nullopt, 8));
  ContentReader reader(ContentView("", tail.get()));
  std::string_view slice;
  std::string error;
  std::uint64_t handed_out = 0;
  bool ok = true;
  while (ok) {
    ok = reader.next(3, slice, error);
    if (ok && slice.empty()) break;
    handed_out += slice.size();
  }
  EXPECT_FALSE(ok);
  EXPECT_LE(handed_out, 8u);
  EXPECT_EQ(error, "big.eml changed while it was being sent");
}

TEST(ContentReader, ACanonicalTailThatGotABareLineBreakOfTheSameSizeIsNeverSentRaw) {
  // Loaded as "ab\r\n" (canonical: 4 bytes); now "ab\n\n", still 4 bytes.
  const auto tail = spooled_body("ab\n\n", sizes(std::nullopt, 4));
  ContentReader reader(ContentView("", tail.get()));
  std::string_view slice;
  std::string error;
  EXPECT_FALSE(reader.next(100, slice, error));
  EXPECT_EQ(error, "big.eml changed while it was being sent");
}

TEST(ContentReader, ACanonicalTailWithACrlfAcrossReadsIsHandedOutAsItIs) {
  // 128 KiB per read: the CR ends the first read, its LF starts the second.
  std::string raw(128 * 1024 - 1, 'x');
  raw += "\r\n.next line\r\n";
  const auto tail = spooled_body(raw);
  ASSERT_EQ(tail->wire_size(), raw.size());
  ContentReader reader(ContentView("H: v\r\n\r\n", tail.get()));
  EXPECT_EQ(read_all(reader, 64 * 1024), "H: v\r\n\r\n" + raw);
}

TEST(ContentReader, EndingShortOfTheAnnouncedSizeIsAnError) {
  const auto tail = spooled_body("abc\n", sizes(std::nullopt, 9));
  ContentReader reader(ContentView("", tail.get()));
  std::string_view slice;
  std::string error;
  ASSERT_TRUE(reader.next(100, slice, error));
  EXPECT_EQ(slice, "abc\r\n");
  EXPECT_FALSE(reader.next(100, slice, error));
  EXPECT_EQ(error, "big.eml changed while it was being sent");
}

TEST(ContentReader, AReadErrorNamesTheSourceAndTheReason) {
  // A descriptor of a directory opens but cannot be read.
  const int fd = ::open("/", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const SpooledBody tail(fd, 0, 10, 12, "stdin");
  ContentReader reader(ContentView("head\r\n", &tail));
  std::string_view slice;
  std::string error;
  ASSERT_TRUE(reader.next(100, slice, error));
  EXPECT_EQ(slice, "head\r\n");
  EXPECT_FALSE(reader.next(100, slice, error));
  EXPECT_EQ(error, "cannot read stdin while sending it: Is a directory");
}

}  // namespace
}  // namespace smtpsend::message
