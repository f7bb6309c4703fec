// libFuzzer target: decoding a DNS response must never crash, never read out of bounds, and
// keep its results consistent with their status, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "smtpsend/dns/answer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smtpsend::dns;
  const std::span<const unsigned char> response(data, size);

  const MxAnswer mx = decode_mx_answer(response);
  if (mx.status != LookupStatus::ok && (!mx.records.empty() || !mx.additional.empty())) {
    __builtin_trap();
  }
  for (const HostAddresses& host : mx.additional) {
    if (host.addresses.empty()) __builtin_trap();
  }

  for (const bool ipv6 : {false, true}) {
    const AddressAnswer addresses = decode_address_answer(response, ipv6);
    if ((addresses.status == LookupStatus::ok) == addresses.addresses.empty()) __builtin_trap();
  }
  return 0;
}
