// message/dot_stuffer: the streaming DATA encoder (RFC 5321 §4.5.2, §2.3.8).
//
// Turns message bytes into what goes after DATA: every line ending becomes CRLF (bare CR and
// bare LF too, so "\n.\n" and "\r\n.\r" smuggling payloads cannot end the data early), a line
// starting with "." gets another ".", and finish() appends the final "CRLF.CRLF" (with a CRLF
// before it only when the data did not already end with one). Input may be split anywhere;
// state carried between calls is a few flags, so memory is bounded by the caller's chunks.
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::message {

class DotStuffer {
 public:
  // Appends the encoded form of `in` to `out`.
  void feed(std::string_view in, std::string& out);
  // Appends the end-of-data marker; the stuffer is then ready for another message.
  void finish(std::string& out);

 private:
  bool at_line_start_ = true;
  bool pending_cr_ = false;  // a CR seen at the end of the previous chunk
};

}  // namespace smtpsend::message
