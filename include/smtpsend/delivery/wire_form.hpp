// delivery/wire_form: the envelope and the extensions a transaction needs on the wire.
//
// Owns: IDN domains as A-labels (RFC 5890 §2.3.2.1; RFC 5321 §2.3.5 wants domains in the
// envelope to be ASCII) and the facts that make a message need SMTPUTF8 (RFC 6531 §3.2).
// The local part is never changed. Pure: no I/O.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"

namespace smtpsend::delivery {

struct WireAddress {
  std::string text;             // as MAIL FROM / RCPT TO carry it, without <>
  bool needs_smtputf8 = false;  // a UTF-8 local part, or a domain with no A-label form
};

// "local@domain" with a non-ASCII domain -> "local@xn--...". An ASCII domain and an address
// literal are kept as written; "" (the null sender) stays "". A domain libidn2 cannot convert
// is kept as written and needs SMTPUTF8 (RFC 6531 §3.3 allows U-labels then).
WireAddress wire_address(std::string_view address);

// Raw UTF-8 in the header section: RFC 6532 headers, sent only with SMTPUTF8. Other 8-bit
// header bytes are not UTF-8, so SMTPUTF8 cannot carry them either: such a message goes only
// where 8BITMIME is offered, and fails with 5.6.3 elsewhere (seven_bit_downgrade.hpp).
bool header_needs_smtputf8(const message::Message& message);

}  // namespace smtpsend::delivery
