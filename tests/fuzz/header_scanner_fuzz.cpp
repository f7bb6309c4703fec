// libFuzzer target: the header scan and completion on arbitrary bytes, raw and canonical.
// Invariants: no crash; header_end within the content; the section ends where the facts say;
// completing the headers keeps the facts a fresh scan would find.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/message.hpp"

namespace {

using namespace smtpsend::message;

void check(bool condition) {
  if (!condition) std::abort();
}

// What may end up in MAIL FROM: non-empty, no control bytes.
bool usable_address(const std::string& address) {
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return !address.empty();
}

void check_canonical(const std::string& content) {
  HeaderFacts facts;
  LoadError error;
  if (!scan_headers(content, facts, error)) {
    check(facts.header_end <= content.size());
    check(!error.detail.empty() && error.detail.find_first_of("\r\n") == std::string::npos);
    return;
  }
  check(facts.header_end <= content.size() && facts.header_end <= kMaxHeaderSection);
  // Only all-body input, or input opening with the empty line, has an empty header section.
  check(facts.header_end > 0 || !facts.has_header_section || content.starts_with("\r\n"));
  check(!facts.has_header_section || facts.header_end == content.size() ||
        content.compare(facts.header_end, 2, "\r\n") == 0);
  check(!facts.from_address || usable_address(*facts.from_address));
  check(!facts.sender_address || usable_address(*facts.sender_address));
  check(facts.has_message_id || facts.message_id.empty());

  std::string completed = content;
  HeaderFacts completed_facts = facts;
  const CompletionContext ctx{"fuzz.example", std::chrono::system_clock::time_point{}, "f"};
  add_missing_headers(completed, completed_facts, ctx);
  check(completed_facts.has_date && completed_facts.has_message_id);
  const std::size_t added = completed.size() - content.size();
  // All-body input gets the added fields and an empty line; the section ends at that line.
  check(completed_facts.has_header_section);
  check(completed_facts.header_end ==
        (facts.has_header_section ? facts.header_end + added : added - 2));

  HeaderFacts rescanned;
  LoadError rescan_error;
  // Two added lines can push a section at the limit over it; anything else must still scan.
  if (!scan_headers(completed, rescanned, rescan_error)) {
    check(completed_facts.header_end > kMaxHeaderSection);
    return;
  }
  check(rescanned.header_end == completed_facts.header_end);
  check(rescanned.has_date && rescanned.has_message_id);
  check(rescanned.message_id == completed_facts.message_id);
  check(rescanned.from_address == facts.from_address);
  check(rescanned.sender_address == facts.sender_address);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);

  // Non-canonical input must not crash the scanner either.
  HeaderFacts facts;
  LoadError error;
  if (scan_headers(raw, facts, error)) check(facts.header_end <= raw.size());

  const std::string canonical = canonicalize_crlf(raw);
  check(canonicalize_crlf(canonical) == canonical);
  check(has_eight_bit(canonical) == has_eight_bit(raw));
  check_canonical(canonical);

  Message msg;
  LoadError load_error;
  const CompletionContext ctx{"fuzz.example", std::chrono::system_clock::time_point{}, "f"};
  if (prepare_message(raw, "fuzz", ctx, msg, load_error)) {
    check(msg.content.ends_with("\r\n"));
    check(msg.facts.header_end <= msg.content.size());
    check(msg.facts.has_date && msg.facts.has_message_id);
  }
  return 0;
}
