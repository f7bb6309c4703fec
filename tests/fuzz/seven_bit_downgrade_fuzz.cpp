// libFuzzer target: the 7-bit form of arbitrary canonical messages (RFC 6152 §3).
// Invariants: no crash; either a "5.6.3 " sentence on one line and no content, or content with
// no byte >= 0x80, still canonical CRLF, that converts to itself; a 7-bit input is unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"
#include "smtpsend/message/seven_bit_downgrade.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string canonical =
      canonicalize_crlf(std::string_view(reinterpret_cast<const char*>(data), size));
  const SevenBitForm form = seven_bit_downgrade(canonical);
  if (!form.error.empty()) {
    check(form.content.empty());
    check(form.error.starts_with("5.6.3 "));
    check(form.error.find_first_of("\r\n") == std::string::npos);
    check(has_eight_bit(canonical));
    return 0;
  }
  check(!has_eight_bit(form.content));
  check(canonicalize_crlf(form.content) == form.content);
  if (!has_eight_bit(canonical)) check(form.content == canonical);
  check(seven_bit_downgrade(form.content).content == form.content);
  return 0;
}
