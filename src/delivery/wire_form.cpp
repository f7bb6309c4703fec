// The envelope as the wire carries it: A-labels for IDN domains, and the SMTPUTF8 facts.
#include "smtpsend/delivery/wire_form.hpp"

#include "smtpsend/dns/mx_plan.hpp"
#include "smtpsend/message/mime_encoding.hpp"

namespace smtpsend::delivery {

WireAddress wire_address(std::string_view address) {
  const std::size_t at = address.rfind('@');
  const std::string_view local = address.substr(0, at == std::string_view::npos ? 0 : at);
  const std::string_view domain =
      at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
  WireAddress wire{std::string(address), message::has_eight_bit(local)};
  if (!message::has_eight_bit(domain) || domain.starts_with('[')) return wire;
  std::string ascii;
  if (!dns::to_ascii_domain(domain, ascii)) {
    wire.needs_smtputf8 = true;
    return wire;
  }
  wire.text = std::string(local) + "@" + ascii;
  return wire;
}

bool header_needs_smtputf8(const message::Message& message) {
  const std::string_view header =
      std::string_view(message.content).substr(0, message.facts.header_end);
  return message::has_eight_bit(header) && message::is_valid_utf8(header);
}

}  // namespace smtpsend::delivery
