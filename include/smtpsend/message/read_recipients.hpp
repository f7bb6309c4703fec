// message/read_recipients: -t (SPEC.md "Message input"), as Postfix's sendmail -t does it.
//
// Owns: which header fields name the recipients (To, Cc, Bcc; or, when any Resent-To/Cc/Bcc is
// present, every Resent-To/Cc/Bcc instead: the message is being resent, RFC 5322 §3.6.6), and
// removing Bcc and Resent-Bcc from the data while leaving every other byte as it was. Must not:
// qualify or deduplicate addresses (the envelope step does, with the command-line ones).
// Errors: Errc::message_malformed (65) with a sentence naming the header.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

// The addresses of the recipient fields of `fields`, in header order, as written (a bare local
// part stays bare). False with `error` set when one of those fields is malformed; fields that
// are not read (a broken Cc: when Resent- fields rule) do not matter.
bool header_recipients(std::span<const HeaderField> fields, std::vector<std::string>& out,
                       LoadError& error);

// `content` with every Bcc: and Resent-Bcc: field removed (all its lines); `fields` are the
// header fields parsed from `content`. Returns how many octets were removed.
std::size_t remove_blind_copies(std::string& content, std::span<const HeaderField> fields);

// -t on a loaded message: parses its header section, sets `message.header_recipients`, removes
// the blind copies and keeps `message.facts.header_end` right.
bool read_recipients(Message& message, LoadError& error);

}  // namespace smtpsend::message
