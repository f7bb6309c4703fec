// message/seven_bit_stream: the 7-bit form of an 8-bit message (RFC 6152 §3) made slice by
// slice while it is sent, so a large 8-bit message is never held whole (issue 9).
//
// Owns: the same conversion as seven_bit_downgrade() (which is its reference: both make the
// same bytes and the same "5.6.3" sentences), over canonical input fed in pieces split anywhere.
// Whether an entity needs converting is known only at its end, so the conversion takes two
// passes: a survey finds, for every MIME entity in document order, whether it has 8-bit bytes
// (and, for a leaf that gets a charset, whether its body is UTF-8), or why the message cannot be
// converted; the encoder then writes the 7-bit form from that plan. The survey holds one bit
// or two per entity, the encoder at most one header section and one line's start.
// Converted (both forms): every entity with 8-bit bytes, and every leaf with a body line over
// 998 octets (see seven_bit_downgrade()). Limits: a line over 998 octets is never a delimiter; a MIME part with 8-bit
// bytes whose header section is over kMaxHeaderSection bytes is refused.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/content.hpp"

namespace smtpsend::message {

struct SevenBitPlan {
  std::string error;            // "5.6.3 ..." when the message cannot be converted
  std::vector<bool> eight_bit;  // per entity, in document order (parts nested in any entity)
  std::vector<bool> body_utf8;  // per entity: its body is valid UTF-8 (leaves needing a charset)
  bool long_lines = false;      // SevenBitForm::encoded_long_lines
};

// Survey (default) or encoder (given the survey's plan without an error). Input: one canonical
// message, CRLF line breaks, in pieces of any size.
class SevenBitStream {
 public:
  SevenBitStream();
  explicit SevenBitStream(const SevenBitPlan& plan);
  ~SevenBitStream();
  SevenBitStream(SevenBitStream&&) noexcept;
  SevenBitStream& operator=(SevenBitStream&&) noexcept;

  // Appends the 7-bit form of `canonical` to `out` (encoder; the survey writes nothing).
  void feed(std::string_view canonical, std::string& out);
  void finish(std::string& out);
  // The survey's result, after finish().
  SevenBitPlan take_plan();

 private:
  struct Walker;
  std::unique_ptr<Walker> walker_;
};

// A message as the session would send it, owned: `head`, then `tail` or `rest` when large.
struct OwnedContent {
  std::string head;
  std::shared_ptr<const SpooledBody> tail;
  std::shared_ptr<const ContentSource> rest;
  ContentView view() const noexcept {
    return rest ? ContentView(head, rest.get()) : ContentView(head, tail.get());
  }
};

struct StreamedSevenBitForm {
  std::shared_ptr<const ContentSource> content;  // null when `error` is set
  std::string error;  // "5.6.3 ..." or why the message could not be read
  bool encoded_long_lines = false;  // SevenBitForm::encoded_long_lines
};

// Reads `message` once now (the survey); the source it returns reads it again for its size (a
// pass counting the 7-bit form without keeping it, at the first size() call) and when sent.
StreamedSevenBitForm streamed_seven_bit_form(OwnedContent message);

}  // namespace smtpsend::message
