// SMTP keywords (EHLO extensions, AUTH mechanisms, DSN values) are case-insensitive ASCII
// (RFC 5321 §2.4); they are compared in upper case. Private to src/smtp.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace smtpsend::smtp {

inline std::string upper_keyword(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

}  // namespace smtpsend::smtp
