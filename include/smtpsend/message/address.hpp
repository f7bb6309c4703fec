// message/address: envelope addresses (RFC 5321 §4.1.2 Mailbox).
//
// Owns: parsing one envelope address "local@domain", "local@[192.0.2.1]",
// "local@[IPv6:2001:db8::1]", a quoted local part, UTF-8 allowed; qualifying a bare local part
// with the qualify domain. Errors: Errc::message_malformed with a one-sentence detail (65).
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::message {

struct EnvelopeAddress {
  std::string text;    // as it goes into MAIL FROM / RCPT TO, without <>
  std::string local;   // local part as written (quotes kept)
  std::string domain;  // domain as written, or the literal with brackets
  bool domain_literal = false;
  // Grouping key: the domain lower-cased (ASCII), literal kept as is.
  std::string domain_key() const;
};

// Accepts "addr" or "<addr>". A bare local part ("root") is qualified with `qualify_domain`.
// Returns false with `detail` set ("bad address 'a@@b': ...").
bool parse_envelope_address(std::string_view input, std::string_view qualify_domain,
                            EnvelopeAddress& out, std::string& detail);

}  // namespace smtpsend::message
