// The MIME type of an attachment, from libmagic (the file(1) database). Private to src/app.
#pragma once

#include <string>
#include <string_view>

namespace smtpsend::app {

// "type/subtype" for `bytes`; application/octet-stream when libmagic cannot tell or is not
// usable (RFC 2046 §4.5.1: the type for data of unknown kind).
std::string mime_type_of(std::string_view bytes);

}  // namespace smtpsend::app
