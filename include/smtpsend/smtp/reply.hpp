// smtp/reply: the incremental SMTP reply parser (RFC 5321 §4.2).
//
// Owns: turning server bytes into Reply values, split at any offset. Bounds everything read
// from the peer: a line over kMaxReplyLineLength bytes or a reply over kMaxReplyLines lines is a
// protocol violation, so memory stays bounded whatever the server sends. Must not: own a socket,
// a timer or a clock. Errors: Errc::reply_malformed, reply_line_too_long, reply_too_many_lines,
// reply_code_mismatch.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpsend/core/diagnostics.hpp"

namespace smtpsend::smtp {

// SPEC.md: "a reply line over 8 KiB or a reply over 128 lines is a protocol violation".
// The line limit counts the line's bytes before its CRLF.
inline constexpr std::size_t kMaxReplyLineLength = 8192;
inline constexpr std::size_t kMaxReplyLines = 128;

struct Reply {
  int code = 0;
  // RFC 3463 enhanced status code ("5.1.1"), taken from the first line only when its class
  // digit equals the first digit of `code` (DESIGN.md rule 10); empty otherwise.
  std::string enhanced;
  // Text of each line after "NNN-" / "NNN " (may be empty), raw bytes as the server sent them.
  std::vector<std::string> lines;

  bool positive() const noexcept { return code >= 200 && code < 400; }   // 2xx, 3xx
  bool transient() const noexcept { return code >= 400 && code < 500; }  // 4xx
  bool permanent() const noexcept { return code >= 500 && code < 600; }  // 5xx
  // The lines joined with single spaces, each line's leading enhanced code removed when it
  // equals `enhanced`; this is what the report quotes.
  std::string text() const;
  ServerReply to_server_reply() const;
  friend bool operator==(const Reply&, const Reply&) = default;
};
std::ostream& operator<<(std::ostream& os, const Reply& reply);

class ReplyParser {
 public:
  enum class Status { need_more, reply_ready, error };
  struct Result {
    Status status = Status::need_more;
    std::size_t consumed = 0;  // bytes of the input used; never past the end of one reply
  };

  // Feeds bytes. Stops after the last line of a reply (reply_ready; call take()), or when all
  // input is consumed (need_more), or on a violation (error; see error()). Lines may end in
  // CRLF or a bare LF. After an error the parser stays in error until reset().
  Result feed(std::string_view bytes);
  Reply take();
  std::error_code error() const noexcept { return error_; }
  void reset();

 private:
  Result fail(std::error_code ec, std::size_t consumed);
  bool finish_line();  // false on violation (error_ set)

  std::string line_;     // the current, incomplete line (bounded by kMaxReplyLineLength + 1)
  Reply current_;
  bool ready_ = false;
  std::error_code error_;
};

}  // namespace smtpsend::smtp
