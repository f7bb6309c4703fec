// message/dkim/canonical: the "relaxed" canonicalisations of RFC 6376 §3.4.2 (header fields)
// and §3.4.4 (body), the only ones smtpsend signs with (c=relaxed/relaxed: a relay that
// re-folds a header or trims trailing space keeps the signature valid).
//
// Owns: those two algorithms, the body one over input split anywhere with constant memory.
// Pure: no I/O. Input is canonical CRLF text (content.hpp); a CR not followed by LF is an
// ordinary character.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smtpsend::message::dkim {

// One header field as it appears in the message, folded or not, with or without its final
// CRLF, to "name:value\r\n" (§3.4.2): the name lowercased, continuation line breaks removed,
// every run of WSP one SP, no WSP at the end of the value nor around the colon. A field with no
// colon is taken as a name with an empty value.
std::string relaxed_header(std::string_view field);

// §3.4.4, fed in pieces: WSP at a line's end removed, other WSP runs one SP, the empty lines at
// the end of the body removed; a non-empty body that does not end with CRLF gets one. The
// empty lines are counted, not held, so memory does not grow with them.
class RelaxedBody {
 public:
  // Appends the canonical form of `in` that is already certain to `out`.
  void feed(std::string_view in, std::string& out);
  // Appends the rest; the object is then spent.
  void finish(std::string& out);

 private:
  void ordinary(std::string_view run, std::string& out);
  void end_line();

  std::uint64_t held_line_ends_ = 0;  // CRLFs not yet written: they may end the body
  bool pending_space_ = false;        // a WSP run not yet written: it may end the line
  bool pending_cr_ = false;           // a CR ending the last piece: its LF may come next
  bool line_has_text_ = false;        // the current line has a character other than WSP
  bool wrote_text_ = false;           // anything written at all
};

}  // namespace smtpsend::message::dkim
