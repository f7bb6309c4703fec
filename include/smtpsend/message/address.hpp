// message/address: envelope addresses (RFC 5321 §4.1.2 Mailbox).
//
// Owns: parsing one envelope address (and converting its domain to A-labels, dns/mx_plan.hpp)
// "local@domain", "local@[192.0.2.1]", "local@[IPv6:2001:db8::1]", a quoted local part, UTF-8
// allowed; qualifying a bare local part with the qualify domain. Errors: Errc::message_malformed
// with a one-sentence detail (65).
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::message {

struct EnvelopeAddress {
  std::string text;    // as it goes into MAIL FROM / RCPT TO, without <>
  std::string local;   // local part as written (quotes kept)
  std::string domain;  // domain as written, or the literal with brackets
  bool domain_literal = false;
  // The domain as lower-cased A-labels (RFC 5890 §2.3.2.1), set by parse_envelope_address();
  // empty for a literal.
  std::string ascii_domain;
  // Grouping and deduplication key: ascii_domain, so x@bücher.example, x@BÜCHER.example and
  // x@xn--bcher-kva.example are one mailbox; a literal as written.
  std::string domain_key() const;
  // The address for a header field smtpsend writes: A-labels, so the message needs no SMTPUTF8
  // (RFC 6531) unless the local part itself is non-ASCII; then `text` as written.
  std::string header_text() const;
};

// Accepts "addr" or "<addr>". A bare local part ("root") is qualified with `qualify_domain`.
// Refuses control characters, U+2028/2029, the BOM and bidirectional controls (named as
// <U+XXXX> in `detail`), and a domain IDNA2008 cannot convert to A-labels.
// Returns false with `detail` set ("bad address 'a@@b': ...").
bool parse_envelope_address(std::string_view input, std::string_view qualify_domain,
                            EnvelopeAddress& out, std::string& detail);

}  // namespace smtpsend::message
