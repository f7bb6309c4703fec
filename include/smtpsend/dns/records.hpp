// dns/records: TXT and PTR answers as values, their pure decoding, and the reverse-lookup names
// PTR and DNSBL queries ask for (no I/O). Added for the doctor (SPF, DKIM and DMARC records are
// TXT, RFC 7208 §3.1, RFC 6376 §3.6.2.2, RFC 7489 §6.1; PTR for forward-confirmed reverse DNS).
// Must not: block, or know about SMTP.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/dns/lookup_status.hpp"

namespace smtpsend::dns {

struct TxtAnswer {
  LookupStatus status = LookupStatus::error;
  // One entry per TXT record: its character-strings concatenated without separators, as
  // RFC 7208 §3.3 and RFC 6376 §3.6.2.2 read a record split into several strings.
  std::vector<std::string> records;
  std::string failure = {};  // as MxAnswer::failure
  friend bool operator==(const TxtAnswer&, const TxtAnswer&) = default;
};

struct NameAnswer {
  LookupStatus status = LookupStatus::error;
  std::vector<std::string> names;  // lower-cased, no trailing dot
  std::string failure = {};        // as MxAnswer::failure
  friend bool operator==(const NameAnswer&, const NameAnswer&) = default;
};

// Decodes a complete DNS response to a TXT query. Records of other types (a CNAME on the way)
// are skipped; a malformed TXT RDATA makes the whole answer `error`.
TxtAnswer decode_txt_answer(std::span<const unsigned char> response);
// Decodes a complete DNS response to a PTR query.
NameAnswer decode_ptr_answer(std::span<const unsigned char> response);

// "192.0.2.7" -> "7.2.0.192", "2001:db8::1" -> "1.0.0. ... .8.b.d.0.1.0.0.2" (nibbles, RFC 3596
// §2.5): the labels a reverse zone or a DNS blocklist is queried under. nullopt for anything
// that is not an IP address.
std::optional<std::string> reversed_address_labels(std::string_view ip);
// The PTR query name of an address: reversed labels under in-addr.arpa or ip6.arpa.
std::optional<std::string> reverse_lookup_name(std::string_view ip);

}  // namespace smtpsend::dns
