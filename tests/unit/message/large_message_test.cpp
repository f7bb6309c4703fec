// A message over kHeldWhole bytes: only its first part is held, the rest is left in its file or
// spooled from a pipe, and what the session reads back is exactly what loading the whole
// message in memory gives.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/message/message.hpp"
#include "support/message_wire.hpp"
#include "support/piped_input.hpp"

namespace smtpsend::message {
namespace {

using test::PipedStdin;
using test::wire_bytes;
using test::TempFile;

CompletionContext context() {
  return {"host.example.org", std::chrono::system_clock::from_time_t(1795471980), "u1"};
}

// LF line ends, a dot line now and then: what people pipe into sendmail.
std::string large_message(std::size_t body_bytes, char filler = 'b') {
  std::string raw = "From: a@example.org\nTo: b@example.net\nSubject: big\n\n";
  const std::string line = std::string(75, filler) + "\n";
  for (std::size_t i = 0; raw.size() < body_bytes; ++i) raw += i % 1000 == 0 ? ".dot\n" : line;
  return raw;
}

Message loaded_whole(const std::string& raw) {
  Message whole;
  LoadError error;
  EXPECT_TRUE(prepare_message(raw, "whole", context(), whole, error)) << error.detail;
  return whole;
}

TEST(LargeMessage, AFileOverTheLimitIsHeldOnlyInPartAndReadsBackTheSame) {
  const std::string raw = large_message(3 * kHeldWhole);
  TempFile file(raw);
  Message big;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), big, error)) << error.detail;
  ASSERT_NE(big.spooled, nullptr);
  // Held: at most kHeldWhole raw bytes, grown by the CR added to each LF.
  EXPECT_LE(big.content.size(), kHeldWhole + kHeldWhole / 70) << "only the head is held";
  EXPECT_GE(big.spooled->raw_size(), raw.size() - kHeldWhole);
  EXPECT_TRUE(big.content.ends_with("\r\n"));
  EXPECT_EQ(big.spooled->source(), file.path());
  const Message whole = loaded_whole(raw);
  EXPECT_EQ(big.size(), whole.content.size());
  EXPECT_EQ(wire_bytes(big), whole.content);
  EXPECT_EQ(big.facts.header_end, whole.facts.header_end);
  EXPECT_FALSE(big.eight_bit);
}

TEST(LargeMessage, AtTheLimitIsStillHeldWhole) {
  std::string raw = large_message(kHeldWhole - 100);
  raw.resize(kHeldWhole, 'x');
  TempFile file(raw);
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  EXPECT_EQ(msg.spooled, nullptr);
  raw.push_back('y');
  TempFile over(raw);
  Message spooled;
  ASSERT_TRUE(load_message(over.path(), context(), spooled, error)) << error.detail;
  EXPECT_NE(spooled.spooled, nullptr);
  EXPECT_EQ(wire_bytes(spooled), loaded_whole(raw).content);
}

TEST(LargeMessage, StdinFromAPipeIsSpooledAndReadsBackTheSame) {
  const std::string raw = large_message(2 * kHeldWhole + 12345);
  PipedStdin stdin_pipe(raw);
  Message big;
  LoadError error;
  ASSERT_TRUE(load_message("-", context(), big, error)) << error.detail;
  ASSERT_NE(big.spooled, nullptr);
  EXPECT_EQ(big.spooled->source(), "stdin");
  EXPECT_LE(big.content.size(), kHeldWhole + kHeldWhole / 70);
  EXPECT_EQ(wire_bytes(big), loaded_whole(raw).content);
}

std::string read_all(ContentView content) {
  ContentReader reader(content);
  std::string out;
  for (;;) {
    std::string_view slice;
    std::string error;
    EXPECT_TRUE(reader.next(64 * 1024, slice, error)) << error;
    if (slice.empty()) return out;
    out.append(slice);
  }
}

// Issue 9: an 8-bit tail stays in its file like a 7-bit one; its 7-bit form is made while it
// is sent, the same bytes as the whole-buffer form, with its size known before.
TEST(LargeMessage, AnEightBitTailStaysInItsFileAndItsSevenBitFormIsStreamed) {
  std::string raw = large_message(2 * kHeldWhole);
  raw += "caf\xc3\xa9\n";
  TempFile file(raw);
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  ASSERT_NE(msg.spooled, nullptr);
  EXPECT_LE(msg.content.size(), kHeldWhole);
  prepare_seven_bit_form(msg);
  EXPECT_TRUE(msg.eight_bit);
  const Message whole = loaded_whole(raw);
  EXPECT_EQ(wire_bytes(msg), whole.content);
  ASSERT_NE(msg.seven_bit_stream, nullptr) << msg.seven_bit.error;
  EXPECT_TRUE(msg.seven_bit.content.empty());
  const SevenBitForm expected = seven_bit_downgrade(whole.content);
  EXPECT_EQ(msg.seven_bit_content().size(), expected.content.size());
  EXPECT_EQ(read_all(msg.seven_bit_content()), expected.content);
}

TEST(LargeMessage, AnEightBitTailThatCannotBeConvertedSaysWhy) {
  std::string raw = "Content-Transfer-Encoding: base64\n" + large_message(2 * kHeldWhole);
  raw += "caf\xc3\xa9\n";
  TempFile file(raw);
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  prepare_seven_bit_form(msg);
  EXPECT_EQ(msg.seven_bit_stream, nullptr);
  EXPECT_EQ(msg.seven_bit.error, seven_bit_downgrade(loaded_whole(raw).content).error);
  EXPECT_TRUE(msg.seven_bit_content().empty());
}

TEST(LargeMessage, ALargeBodyWithoutHeadersGetsTheAddedOnes) {
  std::string raw;
  while (raw.size() < kHeldWhole) raw += "body text, no line break ";
  raw += "\nmore\n";
  TempFile file(raw);
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  EXPECT_NE(msg.content.find("\r\n\r\nbody text"), std::string::npos) << "headers added above";
  EXPECT_EQ(wire_bytes(msg), loaded_whole(raw).content);
}

TEST(LargeMessage, AHeaderSectionLongerThanTheHeldBytesIsHeldToItsEnd) {
  std::string raw;
  while (raw.size() <= kHeldWhole + kHeldWhole / 2)
    raw += "X-Filler: " + std::string(60, 'h') + "\r\n";
  raw += "\r\n" + large_message(2 * kHeldWhole);
  TempFile file(raw);
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
  ASSERT_NE(msg.spooled, nullptr);
  EXPECT_EQ(msg.content.size(), msg.facts.header_end + 2) << "the header section, no body";
  EXPECT_EQ(wire_bytes(msg), loaded_whole(raw).content);
}

TEST(LargeMessage, OnlyTheHeaderSectionIsHeldWhateverItsLineEnds) {
  // Bare CR, LF and CRLF line ends in the header section and the empty line after it.
  for (const std::string header : {"A: 1\rB: 2\n\r", "A: 1\r\nB: 2\r\r\n", "A: 1\nB: 2\n\n"}) {
    const std::string raw = header + large_message(2 * kHeldWhole);
    TempFile file(raw);
    Message msg;
    LoadError error;
    ASSERT_TRUE(load_message(file.path(), context(), msg, error)) << error.detail;
    ASSERT_NE(msg.spooled, nullptr);
    EXPECT_TRUE(msg.content.ends_with("A: 1\r\nB: 2\r\n\r\n")) << msg.content;
    EXPECT_EQ(wire_bytes(msg), loaded_whole(raw).content);
  }
}

TEST(LargeMessage, AHeaderSectionPastTheLimitIsMalformed) {
  std::string raw;
  while (raw.size() <= kMaxHeaderSection + 4 * kMaxHeaderLine) {
    raw += "X-Filler: " + std::string(60, 'h') + "\n";
  }
  raw += "\nbody\n";
  TempFile file(raw);
  Message msg;
  LoadError error;
  EXPECT_FALSE(load_message(file.path(), context(), msg, error));
  EXPECT_EQ(error.error, make_error_code(Errc::message_malformed));
  EXPECT_NE(error.detail.find("header section does not end within"), std::string::npos)
      << error.detail;
}

TEST(LargeMessage, SpoolDirectoryThatCannotBeWrittenIsAnIoErrorNamingIt) {
  const char* saved = std::getenv("TMPDIR");
  const std::string saved_value = saved ? saved : "";
  ::setenv("TMPDIR", "/nonexistent-smtpsend-spool", 1);
  {
    PipedStdin stdin_pipe(large_message(2 * kHeldWhole));
    Message msg;
    LoadError error;
    EXPECT_FALSE(load_message("-", context(), msg, error));
    EXPECT_EQ(error.error, std::errc::no_such_file_or_directory);
    EXPECT_EQ(error.detail,
              "cannot spool stdin to /nonexistent-smtpsend-spool: No such file or directory");
  }
  if (saved) {
    ::setenv("TMPDIR", saved_value.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

// Any mix of CR, LF and CRLF line ends, anywhere, through the file and the pipe paths alike.
TEST(LargeMessage, RandomLineEndsReadBackExactlyAsTheWholeMessage) {
  std::mt19937 rng(20261204);
  const char* const kEnds[] = {"\r\n", "\n", "\r"};
  for (int round = 0; round < 12; ++round) {
    std::string raw;
    // An LF right after a CR would merge with it into one line break.
    const auto end = [&] {
      const char* e = kEnds[rng() % 3];
      return raw.ends_with('\r') && e[0] == '\n' ? "\r\n" : e;
    };
    const int fields = 1 + static_cast<int>(rng() % 40);
    for (int f = 0; f < fields; ++f) {
      raw += "X-F" + std::to_string(f) + ": v";
      raw += end();
    }
    raw += end();
    while (raw.size() < kHeldWhole + 1 + rng() % (2 * kHeldWhole)) {
      raw += (rng() % 5 == 0 ? "." : "") + std::string(rng() % 120, 'a' + rng() % 26);
      raw += end();
    }
    if (rng() % 2 == 0) raw += "no final line break";
    const std::string expected = loaded_whole(raw).content;
    TempFile file(raw);
    Message from_file;
    LoadError error;
    ASSERT_TRUE(load_message(file.path(), context(), from_file, error)) << error.detail;
    ASSERT_NE(from_file.spooled, nullptr);
    EXPECT_EQ(wire_bytes(from_file), expected) << "round " << round;
    EXPECT_EQ(from_file.size(), expected.size());
    PipedStdin stdin_pipe(raw);
    Message from_pipe;
    ASSERT_TRUE(load_message("-", context(), from_pipe, error)) << error.detail;
    EXPECT_EQ(wire_bytes(from_pipe), expected) << "round " << round;
  }
}

}  // namespace
}  // namespace smtpsend::message
