// libFuzzer target: the streaming CRLF canonicaliser and the canonical size counter (message/
// content.hpp), which a large message's body goes through in slices. Invariants: fed in the
// pieces the input's first byte chooses, both agree with a plain reference on the whole input;
// the output has no bare CR or LF and ends with CRLF when not empty.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/content.hpp"
#include "smtpsend/message/message.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

std::string reference(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\r' || raw[i] == '\n') {
      out += "\r\n";
      if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    } else {
      out += raw[i];
    }
  }
  if (!out.empty() && !out.ends_with("\r\n")) out += "\r\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 17;  // piece lengths 1..17: CRs land on every edge
  const std::string_view raw(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string expected = reference(raw);

  CrlfCanonicalizer canonicalizer;
  CanonicalSize counted;
  std::string streamed;
  for (std::size_t at = 0; at < raw.size(); at += piece) {
    const std::string_view slice = raw.substr(at, piece);
    canonicalizer.feed(slice, streamed);
    counted.add(slice);
  }
  canonicalizer.finish(streamed);
  check(streamed == expected);
  check(counted.finish() == expected.size());
  check(canonicalize_crlf(raw) == expected);
  check(expected.empty() || is_canonical_crlf(expected));
  check(is_canonical_crlf(raw) == (!raw.empty() && raw == expected));
  return 0;
}
