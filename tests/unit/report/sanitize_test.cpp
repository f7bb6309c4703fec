#include "smtpsend/report/sanitize.hpp"

#include <gtest/gtest.h>

#include <string>

namespace smtpsend::report {
namespace {

TEST(Sanitize, PrintableAsciiUnchanged) {
  EXPECT_EQ(sanitize_server_text("250 2.0.0 Ok: queued as 4F2A1"), "250 2.0.0 Ok: queued as 4F2A1");
}

TEST(Sanitize, EveryControlByteBecomesQuestionMark) {
  for (int byte = 0; byte < 0x20; ++byte) {
    SCOPED_TRACE(byte);
    EXPECT_EQ(sanitize_server_text(std::string("a") + static_cast<char>(byte) + "b"), "a?b");
  }
  EXPECT_EQ(sanitize_server_text("a\x7f"
                                 "b"),
            "a?b");
}

TEST(Sanitize, TerminalEscapeAndForgedLineAreDefused) {
  EXPECT_EQ(sanitize_server_text("ok\x1b[2J\r\nsmtpsend: x: delivered"),
            "ok?[2J??smtpsend: x: delivered");
}

TEST(Sanitize, WellFormedUtf8Kept) {
  const std::string text =
      "Benutzer unbekannt: j\xc3\xb6rg@b\xc3\xbc"
      "cher.example \xe2\x9c\x93 \xf0\x9f\x93\xa7";
  EXPECT_EQ(sanitize_server_text(text), text);
}

TEST(Sanitize, MalformedUtf8BytesReplacedOneEach) {
  EXPECT_EQ(sanitize_server_text("a\xff"
                                 "b"),
            "a?b");
  EXPECT_EQ(sanitize_server_text("a\xc3"), "a?");               // truncated sequence
  EXPECT_EQ(sanitize_server_text("\xc0\xaf"), "??");            // overlong '/'
  EXPECT_EQ(sanitize_server_text("\xed\xa0\x80"), "???");       // UTF-16 surrogate
  EXPECT_EQ(sanitize_server_text("\xf4\x90\x80\x80"), "????");  // above U+10FFFF
  EXPECT_EQ(sanitize_server_text("\x80x"), "?x");               // lone continuation
}

TEST(Sanitize, C1ControlsReplaced) {
  EXPECT_EQ(sanitize_server_text("a\xc2\x9b"
                                 "31mb"),
            "a?31mb");                                      // U+009B CSI
  EXPECT_EQ(sanitize_server_text("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is not a control
}

TEST(Sanitize, EmptyStaysEmpty) {
  EXPECT_EQ(sanitize_server_text(""), "");
}

}  // namespace
}  // namespace smtpsend::report
