// libFuzzer target: DKIM's relaxed header canonicaliser (RFC 6376 §3.4.2) over every field of
// a header section split as the signer splits it, and the relaxed body canonicaliser (§3.4.4).
// Invariants: a canonical field is "name:value" CRLF with no other CR or LF, a lowercase name,
// no WSP around the colon, no run of WSP, no WSP at the end, and canonicalising it again
// changes nothing; the body's output fed in the pieces the input's first byte chooses equals
// the output fed whole and byte by byte, and canonicalising it again changes nothing.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/dkim/canonical.hpp"
#include "smtpsend/message/dkim/signer.hpp"

namespace {

using namespace smtpsend::message::dkim;

void check(bool condition) {
  if (!condition) std::abort();
}

bool wsp(char c) {
  return c == ' ' || c == '\t';
}

void check_field(std::string_view field) {
  const std::string canonical = relaxed_header(field);
  check(canonical.size() >= 3 && canonical.ends_with("\r\n"));
  const std::string_view line(canonical.data(), canonical.size() - 2);
  check(line.find('\r') == std::string_view::npos && line.find('\n') == std::string_view::npos);
  const std::size_t colon = line.find(':');
  check(colon != std::string_view::npos);
  for (std::size_t i = 0; i < colon; ++i) check(!(line[i] >= 'A' && line[i] <= 'Z'));
  check(colon == 0 || !wsp(line[colon - 1]));
  check(colon + 1 == line.size() || !wsp(line[colon + 1]));
  check(line.empty() || !wsp(line.back()));
  const std::string_view value = line.substr(colon + 1);
  for (std::size_t i = 0; i < value.size(); ++i) {
    check(value[i] != '\t');
    if (i > 0) check(!(value[i] == ' ' && value[i - 1] == ' '));
  }
  // A name without WSP and the value as it is: relaxed again changes nothing.
  if (line.substr(0, colon).find_first_of(" \t") == std::string_view::npos) {
    check(relaxed_header(canonical) == canonical);
  }
}

std::string body(std::string_view in, std::size_t split) {
  RelaxedBody canonical;
  std::string out;
  canonical.feed(in.substr(0, split), out);
  canonical.feed(in.substr(split), out);
  canonical.finish(out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const HeaderField& field : split_header_fields(input)) check_field(field.text);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const std::string whole = body(input, input.size());
  check(body(input, split) == whole);
  check(body(whole, whole.size()) == whole);
  RelaxedBody bytewise;
  std::string out;
  for (const char c : input) bytewise.feed(std::string_view(&c, 1), out);
  bytewise.finish(out);
  check(out == whole);
  return 0;
}
