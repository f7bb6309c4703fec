// libFuzzer target: the incremental header parser, the address-list parser and -t on arbitrary
// bytes. Invariants: no crash; the same result whole and split at a point chosen by the input;
// the fields' raw lines are the input up to the end of the section, byte for byte; every
// address found is non-empty and free of CR, LF and other control bytes; Bcc removal
// removes exactly the Bcc fields' octets.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/address_list.hpp"
#include "smtpsend/message/header_parser.hpp"
#include "smtpsend/message/read_recipients.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

HeaderParser parse(std::string_view input, std::size_t cut) {
  HeaderParser parser;
  parser.feed(input.substr(0, cut));
  parser.feed(input.substr(cut));
  parser.finish();
  return parser;
}

// A quoted local part may hold a TAB (RFC 5322 FWS); address.cpp refuses it for the envelope.
// No other control byte, and never CR or LF, may come out.
bool usable_address(const std::string& address) {
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return !address.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  const HeaderParser whole = parse(input, 0);
  const HeaderParser split = parse(input, cut);
  check(whole.status() == split.status() && whole.fields() == split.fields());
  check(whole.error() == split.error() && whole.body_offset() == split.body_offset());

  // The address-list parser on the raw bytes, as if they were one unfolded field body.
  std::vector<Mailbox> boxes;
  std::string why;
  if (parse_address_list(input, boxes, why)) {
    for (const Mailbox& box : boxes) check(usable_address(box.address));
  } else {
    check(!why.empty() && boxes.empty());
  }

  if (whole.status() != HeaderParseStatus::done) return 0;
  check(whole.header_end() <= whole.body_offset() && whole.body_offset() <= size);
  std::string concatenated;
  for (const HeaderField& field : whole.fields()) {
    check(field.offset == concatenated.size());
    concatenated += field.raw;
  }
  check(concatenated == input.substr(0, whole.header_end()));

  std::vector<std::string> recipients;
  LoadError error;
  if (header_recipients(whole.fields(), recipients, error)) {
    for (const std::string& address : recipients) check(usable_address(address));
  }
  std::string content(input);
  std::size_t bcc_octets = 0;
  for (const HeaderField& field : whole.fields()) {
    const std::string name = field.name;
    if (name.size() == 3 || name.size() == 10) {
      std::string lower;
      for (char c : name) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      if (lower == "bcc" || lower == "resent-bcc") bcc_octets += field.raw.size();
    }
  }
  check(remove_blind_copies(content, whole.fields()) == bcc_octets);
  check(content.size() == size - bcc_octets);
  return 0;
}
