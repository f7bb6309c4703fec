// ContentSlices: the transport's reader for the session's ReadBody requests. It must hand out
// exactly what a ContentReader of the same content would, start over at offset 0, and refuse
// a request that does not follow the previous one (a reader cannot seek).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpsend/message/content.hpp"
#include "support/spooled_body.hpp"

namespace smtpsend::message {
namespace {

using smtpsend::testing::spooled_body;

// Reads `content` to its end through `slices`, `max` bytes asked each time.
std::string read_all(ContentSlices& slices, const ContentView& content, std::size_t max) {
  std::string out;
  for (;;) {
    std::string_view slice;
    std::string error;
    EXPECT_TRUE(slices.next(content, out.size(), max, slice, error)) << error;
    EXPECT_LE(slice.size(), max);
    if (slice.empty()) return out;
    out.append(slice);
  }
}

TEST(ContentSlices, HandsOutAHeadAndASpooledTailFrontToBack) {
  const auto tail = spooled_body("tail line\nlast");
  const ContentView content("Subject: big\r\n\r\n", tail.get());
  for (const std::size_t max : {1u, 3u, 7u, 64u}) {
    ContentSlices slices;
    EXPECT_EQ(read_all(slices, content, max), "Subject: big\r\n\r\ntail line\r\nlast\r\n")
        << "max " << max;
  }
}

TEST(ContentSlices, OffsetZeroStartsTheContentOver) {
  ContentSlices slices;
  const ContentView first("first message\r\n");
  std::string_view slice;
  std::string error;
  ASSERT_TRUE(slices.next(first, 0, 5, slice, error));
  EXPECT_EQ(slice, "first");
  // A 452 split sends the same message again, and a second transaction another one.
  EXPECT_EQ(read_all(slices, first, 4), "first message\r\n");
  EXPECT_EQ(read_all(slices, ContentView("second\r\n"), 64), "second\r\n");
}

TEST(ContentSlices, ARequestThatDoesNotFollowThePreviousOneIsRefused) {
  ContentSlices slices;
  const ContentView content("0123456789\r\n");
  std::string_view slice;
  std::string error;
  ASSERT_TRUE(slices.next(content, 0, 4, slice, error));
  EXPECT_FALSE(slices.next(content, 6, 4, slice, error)) << "skipped two bytes";
  EXPECT_NE(error.find("out of order"), std::string::npos) << error;
  error.clear();
  ContentSlices other;
  ASSERT_TRUE(other.next(content, 0, 4, slice, error));
  EXPECT_FALSE(other.next(ContentView("another\r\n"), 4, 4, slice, error)) << "another content";
  EXPECT_FALSE(error.empty());
}

TEST(ContentSlices, ATailThatChangedSizeIsAnErrorAsWithContentReader) {
  const auto tail = spooled_body("short\n", smtpsend::testing::sizes(std::nullopt, 100));
  const ContentView content("", tail.get());
  ContentSlices slices;
  std::uint64_t offset = 0;
  std::string_view slice;
  std::string error;
  while (slices.next(content, offset, 64, slice, error) && !slice.empty()) offset += slice.size();
  EXPECT_NE(error.find("changed while it was being sent"), std::string::npos) << error;
}

}  // namespace
}  // namespace smtpsend::message
