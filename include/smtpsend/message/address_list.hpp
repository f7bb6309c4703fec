// message/address_list: the address lists of To:, Cc:, Bcc:, From: and their Resent- forms
// (RFC 5322 §3.4, with the obsolete forms of §4.4 that real mail still uses).
//
// Owns: display names (atoms, quoted strings with commas, UTF-8 as RFC 6532 allows), comments
// (nested, §3.2.2), groups ("undisclosed-recipients:;"), angle addresses, obsolete routes
// ("<@relay:user@host>"), CFWS around the dots of a local part, empty list elements, and the bare
// local part cron writes ("To: root"). Must not: qualify or judge an address for SMTP (that is
// address.hpp). Errors: false and one sentence without the header's name, which the caller adds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::message {

struct Mailbox {
  std::string display_name;  // words joined by one space, quoted strings unquoted; "" if none
  std::string address;       // addr-spec as written without CFWS ("\"a b\"@x.org"), or "root"
  std::string group;         // the display name of the group it is in, "" if none
  friend bool operator==(const Mailbox&, const Mailbox&) = default;
};

// `field_body` is an unfolded field body (the text after "To:"). Appends every mailbox, in order,
// to `out`. An empty list (or only an empty group) is valid and adds nothing.
bool parse_address_list(std::string_view field_body, std::vector<Mailbox>& out, std::string& why);

// One element of an address list: a lone mailbox, or a group with its mailboxes (none for an
// empty group). What writing a list back needs (extra_header.cpp), comments aside.
struct AddressListItem {
  std::optional<std::string> group;  // the group's display name; unset for a lone mailbox
  std::vector<Mailbox> mailboxes;
  friend bool operator==(const AddressListItem&, const AddressListItem&) = default;
};

// Same grammar and errors as parse_address_list(); appends the elements, in order, to `out`.
bool parse_address_items(std::string_view field_body, std::vector<AddressListItem>& out,
                         std::string& why);

// Same grammar and errors as parse_address_list(); appends, in order, the offset in
// `field_body` just past each bare local part ("root" in "root (Cron Daemon)"), where
// qualifying it inserts "@domain" (header_addresses.hpp).
bool bare_local_part_ends(std::string_view field_body, std::vector<std::size_t>& ends,
                          std::string& why);

}  // namespace smtpsend::message
