// libFuzzer target: the aliases file parser (message/aliases.hpp) and the expansion of a few
// local recipients through whatever table it returns. Invariants: no crash; the same table or
// the same error whole and split at a point chosen by the input; every error starts with
// "FILE:LINE: "; every name is lower case and unique and every entry has a target; an expansion
// either fails (and then keeps nothing) or gives recipients that are not looked up again.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/message/aliases.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

struct Parsed {
  bool ok = false;
  std::string error;
  AliasTable table;
};

Parsed parse(std::string_view input, std::size_t cut) {
  AliasParser parser("aliases");
  Parsed out;
  out.ok = parser.feed(input.substr(0, cut)) && parser.feed(input.substr(cut)) && parser.finish();
  out.error = parser.error();
  out.table = parser.take();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  const Parsed whole = parse(input, size);
  const Parsed split = parse(input, cut);
  check(whole.ok == split.ok && whole.error == split.error);
  if (!whole.ok) {
    check(whole.error.starts_with("aliases:") && whole.error.size() > 9);
    return 0;
  }
  check(whole.table == split.table);
  std::set<std::string> names;
  for (const AliasEntry& entry : whole.table.entries) {
    check(!entry.name.empty() && !entry.targets.empty() && entry.line >= 1);
    for (const char c : entry.name) check(!(c >= 'A' && c <= 'Z'));
    check(names.insert(entry.name).second);
    for (const AliasTarget& target : entry.targets) {
      check(!target.text.empty() && target.line >= entry.line);
    }
  }

  const LocalDomains local{"host.example", "host.example"};
  std::vector<EnvelopeAddress> recipients;
  for (const char* text : {"root@host.example", "postmaster@localhost", "someone@host.example"}) {
    EnvelopeAddress address;
    std::string detail;
    check(parse_envelope_address(text, local.qualify_domain, address, detail));
    recipients.push_back(address);
  }
  const AliasExpansion expansion = expand_aliases(whole.table, recipients, local);
  if (!expansion.error.empty()) {
    check(expansion.error.starts_with("aliases:"));
    check(expansion.recipients.empty() && expansion.refused.empty());
  }
  for (const AliasRefusal& refusal : expansion.refused) check(!refusal.sentence.empty());
  return 0;
}
