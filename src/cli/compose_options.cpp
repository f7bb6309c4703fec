#include "compose_options.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

#include "smtpsend/message/header_parser.hpp"

namespace smtpsend::cli {
namespace {

// Fields the composer writes from what it builds; a -H copy would contradict them
// (RFC 2045 §4, §5, §6 allow one of each).
constexpr std::array<std::string_view, 3> kComposerOwnedFields{"MIME-Version", "Content-Type",
                                                               "Content-Transfer-Encoding"};

}  // namespace

// RFC 5322 §3.6.8: field-name = 1*ftext (printable ASCII but ':'), then ':'.
bool check_header_option(std::string_view text, std::string& error) {
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    error = "-H: a header value must not contain CR or LF";
    return false;
  }
  const std::size_t colon = text.find(':');
  bool name_ok = colon != std::string_view::npos && colon > 0;
  for (std::size_t i = 0; name_ok && i < colon; ++i) {
    name_ok = text[i] >= 33 && text[i] <= 126;
  }
  if (!name_ok) {
    error = fmt::format("-H must be \"Name: value\" with a name of printable ASCII, not '{}'",
                        text.substr(0, 60));
    return false;
  }
  for (std::string_view owned : kComposerOwnedFields) {
    if (message::same_field_name(text.substr(0, colon), owned)) {
      error = fmt::format("-H {}: this field is written by smtpsend when it composes", owned);
      return false;
    }
  }
  return true;
}

bool check_composition(const Request& request, bool messages_given, std::string& error) {
  for (const std::string& header : request.compose.headers) {
    const std::string_view name = std::string_view(header).substr(0, header.find(':'));
    // Without -t nobody would receive the blind copy and every recipient would read the field.
    if (!request.read_recipients &&
        (message::same_field_name(name, "Bcc") || message::same_field_name(name, "Resent-Bcc"))) {
      error = fmt::format("-H {}: needs -t, which sends to those addresses and removes the field",
                          name);
      return false;
    }
  }
  if (request.compose.active() && messages_given) {
    error =
        "-m cannot be used with -s, -H, --body or -a: a composed message takes its body "
        "from stdin or --body";
    return false;
  }
  return true;
}

}  // namespace smtpsend::cli
