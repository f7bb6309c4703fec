// libFuzzer target: the one address-list tokenizer (src/message/address_tokens.hpp), strict and
// lenient, on arbitrary bytes. Invariants: no crash; lenient never fails; every token is a
// non-empty view of the input, in order, without overlap, shaped as its kind says; a strict
// failure has one sentence; where strict succeeds, lenient finds the same tokens.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "address_tokens.hpp"

namespace {

using namespace smtpsend::message::detail;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_tokens(std::string_view input, const std::vector<AddressToken>& tokens) {
  const char* next = input.data();
  for (const AddressToken& t : tokens) {
    check(!t.text.empty());
    check(t.text.data() >= next && t.text.data() + t.text.size() <= input.data() + input.size());
    next = t.text.data() + t.text.size();
    switch (t.kind) {
      case TokenKind::special: check(t.text.size() == 1); break;
      case TokenKind::quoted: check(t.text.front() == '"'); break;
      case TokenKind::literal: check(t.text.front() == '['); break;
      case TokenKind::atom:
        check(t.text.find_first_of(" \t\r\n()\"[]<>@,;:.") == std::string_view::npos);
        break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<AddressToken> lenient;
  std::string lenient_why;
  check(address_tokens(input, Leniency::lenient, lenient, lenient_why));
  check(lenient_why.empty());
  check_tokens(input, lenient);

  std::vector<AddressToken> strict;
  std::string why;
  if (!address_tokens(input, Leniency::strict, strict, why)) {
    check(!why.empty() && why.find_first_of("\r\n") == std::string::npos);
    return 0;
  }
  check_tokens(input, strict);
  check(strict == lenient);
  return 0;
}
