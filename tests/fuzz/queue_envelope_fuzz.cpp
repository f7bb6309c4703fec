// libFuzzer target: the queue's envelope-file parser must never crash, must give the same
// verdict whole and split into chunks, keep its bounds, and whatever it accepts must format
// back to text that parses to the same envelope (the file a later run rewrites).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "smtpsend/queue/envelope.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace smtpsend::queue;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Envelope whole;
  std::string error;
  const bool accepted = parse_envelope(text, whole, error);
  if (!accepted && error.empty()) __builtin_trap();

  // The first byte chooses a chunk size so that splits are exercised too.
  const std::size_t chunk = size > 0 ? (data[0] % 13) + 1 : 1;
  EnvelopeParser parser;
  std::string_view rest = text;
  bool fed = true;
  while (!rest.empty() && fed) {
    fed = parser.feed(rest.substr(0, chunk));
    rest.remove_prefix(std::min(chunk, rest.size()));
  }
  Envelope split;
  const bool split_accepted = fed && parser.finish(split);
  if (split_accepted != accepted) __builtin_trap();
  if (!accepted) return 0;
  if (!(split == whole)) __builtin_trap();
  if (whole.recipients.empty() || whole.recipients.size() > kMaxEnvelopeRecipients) __builtin_trap();

  Envelope again;
  if (!parse_envelope(format_envelope(whole), again, error)) __builtin_trap();
  if (!(again == whole)) __builtin_trap();
  return 0;
}
