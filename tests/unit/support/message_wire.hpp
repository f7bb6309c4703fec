// The bytes a session would read from a prepared message: its wire content read back through
// ContentReader in 64 KiB slices, as the session reads it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "smtpsend/message/content.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::test {

inline std::string wire_bytes(const message::Message& message) {
  message::ContentReader reader(message.wire_content());
  std::string out;
  for (;;) {
    std::string_view slice;
    std::string error;
    EXPECT_TRUE(reader.next(64 * 1024, slice, error)) << error;
    if (slice.empty()) return out;
    out.append(slice);
  }
}

}  // namespace smtpsend::test
