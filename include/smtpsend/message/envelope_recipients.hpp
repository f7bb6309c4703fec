// message/envelope_recipients: one message's envelope recipients, the command line's merged
// with those -t read from its header (SPEC.md "Message input").
//
// Owns: parsing and qualifying each recipient (address.hpp) and keeping each mailbox once:
// local parts compared exactly, domains case-insensitively (RFC 5321 §2.4), the first spelling
// kept. Must not: read the header (read_recipients.hpp) or group by domain (delivery/ does).
// Errors: false with the one sentence of parse_envelope_address() (65 for the caller).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/address.hpp"

namespace smtpsend::message {

// Appends each of `texts`, in order, to `out` unless the same mailbox is already in `out` (or
// earlier in `texts`). False at the first address that does not parse, with `detail` set; `out`
// then holds the addresses before it.
bool add_recipients(std::span<const std::string> texts, std::string_view qualify_domain,
                    std::vector<EnvelopeAddress>& out, std::string& detail);

// The recipients of one message under -t, each mailbox once: `command_line` (already parsed)
// first, then `header` (as read_recipients() found them, a bare local part qualified here).
bool merge_recipients(std::span<const EnvelopeAddress> command_line,
                      std::span<const std::string> header, std::string_view qualify_domain,
                      std::vector<EnvelopeAddress>& out, std::string& detail);

}  // namespace smtpsend::message
