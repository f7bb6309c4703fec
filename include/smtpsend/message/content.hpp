// message/content: the bytes of one message as the session sends them, canonical CRLF and not
// yet dot-stuffed, held so that memory does not grow with the message (issue 5).
//
// Owns: the streaming CRLF canonicaliser (RFC 5321 §2.3.8); a large message's body left in its
// file, or in a spool file when it came through a pipe (SpooledBody); the view the session is
// given (ContentView: an in-memory head, then the spooled part or a part made while it is sent,
// ContentSource); the reader that hands out bounded slices of it (ContentReader), and the
// slices the transport reads for the session on its request (ContentSlices).
// A small message is all head.
// Must not: know about servers. Errors: a spooled part that cannot be read, or that no longer
// has the size it had when the message was loaded (the file changed while being sent), is one
// sentence from ContentReader::next; nothing is then sent past that point.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace smtpsend::message {

// Bare CR, bare LF and CRLF all become CRLF, over input split anywhere (a CR at the end of one
// piece and an LF at the start of the next are one CRLF).
class CrlfCanonicalizer {
 public:
  void feed(std::string_view in, std::string& out);
  // A CR left pending becomes CRLF; output that is not empty and does not end with CRLF gets one.
  void finish(std::string& out);

 private:
  bool pending_cr_ = false;
  bool wrote_any_ = false;
  bool ends_with_lf_ = false;
};

// The size CrlfCanonicalizer's output would have, without writing it (a large message's
// SIZE and BDAT count are known before it is sent): raw bytes + bare LFs + bare CRs, and a
// CRLF when the input does not end with a line break.
class CanonicalSize {
 public:
  void add(std::string_view in) noexcept;
  std::uint64_t finish() const noexcept;
  // The input so far has no bare CR or LF, but for a CR ending it (its LF may come next).
  bool canonical_so_far(std::uint64_t input_size) const noexcept {
    return size_ == input_size + (last_ == '\r' ? 1 : 0);
  }

 private:
  std::uint64_t size_ = 0;
  char last_ = '\n';  // as if after a line break: empty input stays empty
};

// The part of a large message not held in memory: raw bytes [offset, offset + raw_size) of a
// file, sent canonicalised. Owns the descriptor. Immutable once made, so one spooled body serves
// every destination (each with its own reader) at the same time.
class SpooledBody {
 public:
  SpooledBody(int fd, std::uint64_t offset, std::uint64_t raw_size, std::uint64_t wire_size,
              std::string source);
  ~SpooledBody();
  SpooledBody(const SpooledBody&) = delete;
  SpooledBody& operator=(const SpooledBody&) = delete;

  std::uint64_t raw_size() const noexcept { return raw_size_; }
  // Canonical size, including the CRLF added when the input does not end with a line break.
  std::uint64_t wire_size() const noexcept { return wire_size_; }
  const std::string& source() const noexcept { return source_; }
  // pread(2) of raw bytes at `at` (relative to the body); got = 0 means end of file.
  std::error_code read_raw(std::uint64_t at, std::span<char> into, std::size_t& got) const;

 private:
  int fd_;
  std::uint64_t offset_;
  std::uint64_t raw_size_;
  std::uint64_t wire_size_;
  std::string source_;
};

// Bytes made while they are sent: a message's 7-bit form (seven_bit_stream.hpp), a composed
// message's attachments base64-encoded from their files (compose.hpp). One cursor hands them
// out front to back; its source is immutable, so one source serves every destination, each
// reading with a cursor of its own.
class ContentCursor {
 public:
  virtual ~ContentCursor() = default;
  // Replaces `out` with the next bytes; empty once everything was handed out. False with one
  // sentence in `error` when what they are made from cannot be read.
  virtual bool next(std::string& out, std::string& error) = 0;
};

class ContentSource {
 public:
  virtual ~ContentSource() = default;
  // Known before the first byte is made (SIZE=, BDAT): a cursor that makes more or fewer
  // bytes fails the reader instead.
  virtual std::uint64_t size() const noexcept = 0;
  virtual std::unique_ptr<ContentCursor> open() const = 0;
};

// What the session sends for one message: `head` (in memory), then `tail` when the message is
// large, or `source` when its rest is made while it is sent (never both). The caller keeps all
// of them alive until the session is done.
struct ContentView {
  ContentView() = default;
  // An in-memory message converts implicitly: most messages are nothing else.
  ContentView(std::string_view whole) : head(whole) {}    // NOLINT(google-explicit-constructor)
  ContentView(const std::string& whole) : head(whole) {}  // NOLINT(google-explicit-constructor)
  ContentView(const char* whole) : head(whole) {}         // NOLINT(google-explicit-constructor)
  ContentView(std::string_view first, const SpooledBody* rest) : head(first), tail(rest) {}
  ContentView(std::string_view first, const ContentSource* rest) : head(first), source(rest) {}

  std::string_view head;
  const SpooledBody* tail = nullptr;
  const ContentSource* source = nullptr;

  std::uint64_t size() const noexcept {
    return head.size() + (tail ? tail->wire_size() : 0) + (source ? source->size() : 0);
  }
  bool empty() const noexcept { return size() == 0; }
  friend bool operator==(const ContentView& a, const ContentView& b) noexcept {
    return a.head == b.head && a.tail == b.tail && a.source == b.source;
  }
};

// Hands out a ContentView front to back in slices. The head is handed out as views of itself
// (no copy); the tail is read and canonicalised into the reader's own buffer; a source's bytes
// are made by the reader's own cursor.
class ContentReader {
 public:
  ContentReader() = default;
  explicit ContentReader(ContentView content) : content_(content) {}

  // The next slice of at most `max` bytes (max > 0), valid until the next call; empty once
  // everything was handed out. False when the tail cannot be read or does not have its size
  // any more; `error` then holds one sentence.
  bool next(std::size_t max, std::string_view& slice, std::string& error);

 private:
  bool refill(std::string& error);
  bool next_made(std::size_t max, std::string_view& slice, std::string& error);

  ContentView content_;
  std::unique_ptr<ContentCursor> cursor_;  // opened at the source's first byte
  std::size_t head_pos_ = 0;
  std::uint64_t raw_pos_ = 0;
  std::uint64_t produced_ = 0;  // tail bytes handed out
  bool raw_done_ = false;
  CrlfCanonicalizer canonicalizer_;
  CanonicalSize checked_;  // a canonical tail: checked still to be so while it is read
  std::string buffer_;     // canonical tail bytes not yet handed out start at buffer_pos_
  std::size_t buffer_pos_ = 0;
  std::string raw_;
};

// Answers requests for "the next bytes of this content, from this offset" for a caller that
// keeps no reader of its own: the SMTP session asks (smtp::ReadBody), the transport reads, so
// the protocol code does no I/O. Offset 0 opens the content afresh; any other offset must be
// where the previous slice of the same content ended, since a reader cannot seek (a spooled
// tail is canonicalised and a source made front to back).
class ContentSlices {
 public:
  // As ContentReader::next; a request out of order is an error too.
  bool next(const ContentView& content, std::uint64_t offset, std::size_t max,
            std::string_view& slice, std::string& error);

 private:
  ContentView content_;
  std::uint64_t offset_ = 0;
  ContentReader reader_;
};

}  // namespace smtpsend::message
