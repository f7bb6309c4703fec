// libFuzzer target: envelope address parsing on arbitrary bytes.
// Invariants: no crash; a rejection is one line naming the address; an accepted address obeys
// the RFC 5321 length limits, has no line break, and parses again to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/address.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  EnvelopeAddress address;
  std::string detail;
  if (!parse_envelope_address(input, "qualify.example", address, detail)) {
    check(detail.starts_with("bad address '"));
    check(detail.find_first_of("\r\n") == std::string::npos);
    return 0;
  }
  check(detail.empty());
  check(address.text == address.local + "@" + address.domain);
  check(address.text.size() <= 254 && address.local.size() <= 64);
  check(!address.local.empty() && !address.domain.empty());
  check(address.text.find_first_of("\r\n") == std::string::npos);
  check(address.domain_literal == (address.domain.front() == '['));
  // The key is the A-labels (ASCII); an ASCII domain keeps its length, only lower-cased.
  check(address.domain_literal ? address.domain_key() == address.domain
                               : address.domain_key() == address.ascii_domain);
  for (char c : address.domain_key())
    check(address.domain_literal || static_cast<unsigned char>(c) < 0x80);

  EnvelopeAddress again;
  std::string again_detail;
  check(parse_envelope_address(address.text, "", again, again_detail));
  check(again.text == address.text && again.local == address.local &&
        again.domain == address.domain && again.domain_literal == address.domain_literal);
  return 0;
}
