// --max-size while reading (Errc::input_too_large, found before anything more than the limit is
// read into memory or the spool), and the sendmail personality's stdin, ended by a dot line,
// spooled like any pipe.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

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

// LF line ends and a line starting with a dot now and then (never a lone dot), `size` bytes.
std::string message_of(std::size_t size) {
  std::string raw = "From: a@example.org\nTo: b@example.net\nSubject: limits\n\n";
  for (std::size_t i = 0; raw.size() < size; ++i) raw += i % 100 == 0 ? "..dot\n" : "body line\n";
  raw.resize(size - 1);
  raw += '\n';
  return raw;
}

std::string canonical(const std::string& raw) {
  Message whole;
  LoadError error;
  EXPECT_TRUE(prepare_message(raw, "whole", context(), whole, error)) << error.detail;
  return whole.content;
}

void expect_too_large(const LoadError& error, const std::string& source, std::uint64_t max) {
  EXPECT_EQ(error.error, make_error_code(Errc::input_too_large));
  EXPECT_EQ(error.detail, source + ": message too large: more than " + std::to_string(max) +
                              " bytes (--max-size)");
}

// Limits under the bytes held in memory, at them, and far over them (the spooled path).
const std::size_t kLimits[] = {1,          10 * 1024,      kHeldWhole - 1,
                               kHeldWhole, kHeldWhole + 1, 3 * kHeldWhole + 17};

TEST(MaxSize, AFileOfExactlyTheLimitIsReadAndOneByteMoreIsNot) {
  for (const std::size_t limit : kLimits) {
    const std::string raw = limit == 1 ? "\n" : message_of(limit);
    TempFile exact(raw);
    Message msg;
    LoadError error;
    ASSERT_TRUE(load_message(exact.path(), context(), msg, error, {limit})) << error.detail;
    EXPECT_EQ(wire_bytes(msg), canonical(raw));
    TempFile over(raw + "x");
    EXPECT_FALSE(load_message(over.path(), context(), msg, error, {limit}));
    expect_too_large(error, over.path(), limit);
  }
}

TEST(MaxSize, APipeOfExactlyTheLimitIsReadAndOneByteMoreIsNot) {
  for (const std::size_t limit : kLimits) {
    const std::string raw = limit == 1 ? "\n" : message_of(limit);
    Message msg;
    LoadError error;
    {
      PipedStdin exact(raw);
      ASSERT_TRUE(load_message("-", context(), msg, error, {limit})) << error.detail;
      EXPECT_EQ(wire_bytes(msg), canonical(raw)) << limit;
    }
    PipedStdin over(raw + "x");
    EXPECT_FALSE(load_message("-", context(), msg, error, {limit}));
    expect_too_large(error, "stdin", limit);
  }
}

TEST(MaxSize, AnEndlessPipeStopsAtTheLimit) {
  const std::size_t limit = 4 * kHeldWhole;
  PipedStdin endless("Subject: forever\n\n" + std::string(100000, 'z') + "\n", /*endless=*/true);
  Message msg;
  LoadError error;
  EXPECT_FALSE(load_message("-", context(), msg, error, {limit}));
  expect_too_large(error, "stdin", limit);
  // What was read is the limit and at most one read more (and what the pipe holds).
  EXPECT_LT(endless.written(), limit + 4 * 1024 * 1024);
}

TEST(MaxSize, ReadInputHoldsAtMostTheLimitInMemory) {
  std::string out;
  LoadError error;
  TempFile exact(std::string(1000, 'a'));
  ASSERT_TRUE(read_input(exact.path(), out, error, 1000)) << error.detail;
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_FALSE(read_input(exact.path(), out, error, 999));
  expect_too_large(error, exact.path(), 999);
  PipedStdin endless(std::string(65536, 'z'), /*endless=*/true);
  EXPECT_FALSE(read_input("-", out, error, 5 * kHeldWhole));
  expect_too_large(error, "stdin", 5 * kHeldWhole);
}

TEST(MaxSize, TheDefaultIsOneGibibyte) {
  EXPECT_EQ(InputOptions{}.max_size, std::uint64_t{1} << 30);
  EXPECT_EQ(kDefaultMaxInputSize, std::uint64_t{1} << 30);
}

// ---- the sendmail personality's stdin (InputOptions::ends_at_dot_line) ----

constexpr InputOptions kDotLine{kDefaultMaxInputSize, true};

TEST(DotLineInput, ASmallMessageEndsAtTheDotLine) {
  PipedStdin piped("Subject: dot\n\nbefore\n..\nx.\n.\r\nafter the dot\n");
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message("-", context(), msg, error, kDotLine)) << error.detail;
  EXPECT_EQ(msg.spooled, nullptr);
  EXPECT_EQ(msg.content, canonical("Subject: dot\n\nbefore\n..\nx.\n"));
}

TEST(DotLineInput, ALargeMessageIsSpooledAndEndsAtTheDotLine) {
  const std::string raw = message_of(3 * kHeldWhole + 12345);
  PipedStdin piped(raw + ".\n" + message_of(kHeldWhole));
  Message msg;
  LoadError error;
  ASSERT_TRUE(load_message("-", context(), msg, error, kDotLine)) << error.detail;
  ASSERT_NE(msg.spooled, nullptr) << "spooled, not held";
  EXPECT_LE(msg.content.size(), kHeldWhole + kHeldWhole / 8);
  EXPECT_EQ(msg.spooled->source(), "stdin");
  EXPECT_EQ(wire_bytes(msg), canonical(raw));
}

TEST(DotLineInput, ALargeMessageFromAFileOnStdinEndsAtTheDotLineToo) {
  const std::string raw = message_of(2 * kHeldWhole + 5);
  TempFile file(raw + ".\nnot sent\n");
  Message msg;
  LoadError error;
  {
    // `sendmail bob < file`: a regular file as stdin, read up to its dot line.
    const int saved = ::dup(STDIN_FILENO);
    const int fd = ::open(file.path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
    const bool loaded = load_message("-", context(), msg, error, kDotLine);
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ASSERT_TRUE(loaded) << error.detail;
  }
  EXPECT_EQ(wire_bytes(msg), canonical(raw));
}

TEST(DotLineInput, TheLimitCountsTheBytesBeforeTheDotLine) {
  const std::size_t limit = 2 * kHeldWhole + 100;
  const std::string raw = message_of(limit);
  Message msg;
  LoadError error;
  {
    PipedStdin exact(raw + ".\n" + std::string(kHeldWhole, 'a'));
    ASSERT_TRUE(load_message("-", context(), msg, error, {limit, true})) << error.detail;
    EXPECT_EQ(wire_bytes(msg), canonical(raw));
  }
  PipedStdin over("X" + raw + ".\n");
  EXPECT_FALSE(load_message("-", context(), msg, error, {limit, true}));
  expect_too_large(error, "stdin", limit);
}

TEST(DotLineInput, AnEndlessStreamWithoutADotLineStopsAtTheLimit) {
  PipedStdin endless("a line of text\n.x\n", /*endless=*/true);
  Message msg;
  LoadError error;
  EXPECT_FALSE(load_message("-", context(), msg, error, {3 * kHeldWhole, true}));
  expect_too_large(error, "stdin", 3 * kHeldWhole);
}

}  // namespace
}  // namespace smtpsend::message

namespace smtpsend::message {
namespace {

// Issue 10: a header line of 10 MB after the first line was reported as a header section that
// does not end; it is a line over 998 octets, and the error says so.
TEST(HeaderLineLimit, AHugeLineAfterTheFirstIsNamedAsTooLong) {
  for (const std::size_t length : {kHeldWhole, std::size_t{10} * 1024 * 1024}) {
    test::TempFile file("From: a@example.test\nSubject: " + std::string(length, 'x') +
                        "\n\nbody\n");
    Message msg;
    LoadError error;
    EXPECT_FALSE(load_message(file.path(), context(), msg, error));
    EXPECT_NE(error.detail.find("header line 2 (Subject) is longer than 998 octets"),
              std::string::npos)
        << length << ": " << error.detail;
  }
}

}  // namespace
}  // namespace smtpsend::message
