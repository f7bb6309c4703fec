// smtp/envelope_parameters: what the user asks of one message's envelope besides its addresses:
// the MAIL FROM and RCPT TO parameters that come from the command line (or the configuration
// file), not from the message.
//
// One value, carried whole from cli::Request through delivery::OutgoingMessage to
// smtp::Transaction, so that a parameter added here reaches the MAIL FROM line on every path
// (--each copies included) without new copying code. A queued message keeps it in its envelope
// file through one pair of functions (src/queue/envelope_parameters_lines.hpp), whose test
// fails to compile until a new member is written and read there too. Not here: BODY=8BITMIME (RFC 6152) and
// SMTPUTF8 (RFC 6531), which are facts of the message's bytes and addresses found when it is
// read (Transaction::eight_bit, needs_smtputf8); sendmail's -B is checked and not needed
// (docs/decisions.md "sendmail personality"). No I/O here.
#pragma once

#include "smtpsend/smtp/dsn.hpp"

namespace smtpsend::smtp {

struct EnvelopeParameters {
  // RFC 3461: RET and ENVID on MAIL FROM, NOTIFY on each RCPT TO; sent only when EHLO offers DSN.
  DsnRequest dsn = {};
  friend bool operator==(const EnvelopeParameters&, const EnvelopeParameters&) = default;
};

}  // namespace smtpsend::smtp
