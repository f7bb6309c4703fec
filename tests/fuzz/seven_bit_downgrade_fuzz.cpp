// libFuzzer target: the 7-bit form of arbitrary canonical messages (RFC 6152 §3).
// Invariants: no crash; either a "5.6.3 " sentence on one line and no content, or content with
// no byte >= 0x80, still canonical CRLF, that converts to itself; a 7-bit input is unchanged
// unless a body line over 998 octets was re-encoded;
// the streamed form (seven_bit_stream.hpp), fed in pieces whose sizes come from the input,
// is the same bytes or the same refusal.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"
#include "smtpsend/message/seven_bit_stream.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

// Pieces of 1..17 bytes, the sizes cycling through the input's own bytes.
template <typename Feed>
void in_pieces(std::string_view text, Feed feed) {
  for (std::size_t at = 0, i = 0; at < text.size(); ++i) {
    const std::size_t n = 1 + static_cast<unsigned char>(text[i % text.size()]) % 17;
    feed(text.substr(at, n));
    at += n;
  }
}

void check_streamed(const std::string& canonical, const SevenBitForm& whole) {
  SevenBitStream survey;
  std::string none;
  in_pieces(canonical, [&](std::string_view piece) { survey.feed(piece, none); });
  survey.finish(none);
  const SevenBitPlan plan = survey.take_plan();
  check(none.empty());
  check(plan.error == whole.error);
  if (!plan.error.empty()) return;
  check(plan.long_lines == whole.encoded_long_lines);
  SevenBitStream encoder(plan);
  std::string out;
  in_pieces(canonical, [&](std::string_view piece) { encoder.feed(piece, out); });
  encoder.finish(out);
  check(out == whole.content);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string canonical =
      canonicalize_crlf(std::string_view(reinterpret_cast<const char*>(data), size));
  const SevenBitForm form = seven_bit_downgrade(canonical);
  check_streamed(canonical, form);
  if (!form.error.empty()) {
    check(form.content.empty());
    check(form.error.starts_with("5.6.3 "));
    check(form.error.find_first_of("\r\n") == std::string::npos);
    check(has_eight_bit(canonical));
    return 0;
  }
  check(!has_eight_bit(form.content));
  check(canonicalize_crlf(form.content) == form.content);
  if (!has_eight_bit(canonical) && !form.encoded_long_lines) check(form.content == canonical);
  if (form.encoded_long_lines) check(has_overlong_line(canonical));
  check(seven_bit_downgrade(form.content).content == form.content);
  return 0;
}
