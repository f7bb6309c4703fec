// message/header_addresses: bare local names in a message's address fields, qualified
// (SPEC.md: "bare local names in From, Sender, Reply-To, To, Cc (cron's To: root) qualified
// with the qualify domain").
//
// Owns: which fields are qualified (From, Sender, Reply-To, To, Cc, Bcc and their Resent-
// forms, as Postfix's cleanup rewrites every address header) and inserting "@domain" after each
// bare local part, every other byte (display names, comments, folding) as it was. Must not:
// judge the addresses (address.hpp does, for the envelope). Errors: none; a field the address
// list grammar (address_list.hpp) does not accept is left as written.
#pragma once

#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"

namespace smtpsend::message {

// `field` is one header field's raw lines ("To: root,\r\n admin\r\n"). Returns it with "@" +
// `qualify_domain` after every bare local part of its address list; unchanged when it has
// none or does not parse.
std::string qualified_field(std::string_view field, std::string_view qualify_domain);

// Qualifies the address fields of `message`'s header section; keeps facts.header_end right.
// Nothing to do without a qualify domain.
void qualify_header_addresses(Message& message, std::string_view qualify_domain);

}  // namespace smtpsend::message
