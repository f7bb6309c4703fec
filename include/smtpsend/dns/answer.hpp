// dns/answer: DNS results as values, and pure decoding of raw answers (no I/O).
//
// Owns: turning a DNS response (bytes) into MxAnswer / AddressAnswer, telling NXDOMAIN, NODATA,
// SERVFAIL, REFUSED and timeout apart (what each status means: lookup_status.hpp).
// Must not: block, or know about SMTP.
#pragma once

#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/dns/lookup_status.hpp"

namespace smtpsend::dns {

enum class AddressFamily { any, ipv4, ipv6 };  // -4 / -6

struct MxRecord {
  std::uint16_t preference = 0;
  std::string host;  // no trailing dot; "" for the root (null MX "0 .")
  friend bool operator==(const MxRecord&, const MxRecord&) = default;
};

// Addresses as text ("192.0.2.1", "2001:db8::1") so that pure code needs no socket types.
struct HostAddresses {
  std::string host;
  std::vector<std::string> addresses;
  friend bool operator==(const HostAddresses&, const HostAddresses&) = default;
};

struct MxAnswer {
  LookupStatus status = LookupStatus::error;
  std::vector<MxRecord> records;
  // A/AAAA records for MX hosts found in the additional section (saves a round trip).
  std::vector<HostAddresses> additional;
  // For unreachable / local_error: what happened, in words ("DNS server 127.0.0.1:53 refused the
  // query", "out of file descriptors"); empty otherwise. Last, with a default, so that answers
  // written as {status, records, additional} stay valid.
  std::string failure = {};
  friend bool operator==(const MxAnswer&, const MxAnswer&) = default;
};

struct AddressAnswer {
  LookupStatus status = LookupStatus::error;
  std::vector<std::string> addresses;
  std::string failure = {};  // as MxAnswer::failure
  friend bool operator==(const AddressAnswer&, const AddressAnswer&) = default;
};

// Decodes a complete DNS response to an MX query. A malformed response is status `error`.
MxAnswer decode_mx_answer(std::span<const unsigned char> response);
// Decodes a complete DNS response to an A (ipv6 = false) or AAAA (ipv6 = true) query.
AddressAnswer decode_address_answer(std::span<const unsigned char> response, bool ipv6);

}  // namespace smtpsend::dns
