// Internal to message/: the addr-specs of an RFC 5322 §3.4 address list.
//
// Lenient by design: the input is a header someone else wrote, so anything that is not a
// mailbox is skipped rather than reported (the lenient mode of address_tokens.hpp). Display names, comments (nested, §3.2.2), quoted
// strings (§3.2.4), group names and obsolete routes (§4.4) are dropped; a quoted local part
// keeps its quotes because it goes into MAIL FROM as written.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpsend::message::detail {

// `field_body` is an unfolded field body: the text after "From:". A bare local part ("root")
// is returned as is; cron writes "From: root (Cron Daemon)".
std::optional<std::string> first_mailbox_address(std::string_view field_body);

}  // namespace smtpsend::message::detail
