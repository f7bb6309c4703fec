// libFuzzer target: the sendmail personality's dot-line filter (message/dot_line_input.hpp),
// which every byte of its stdin goes through in the pieces read(2) returns. Invariants: fed in the
// pieces the input's first byte chooses, it agrees with a line-by-line reference on the whole
// input (the message is the input up to the first line "." or ".\r", excluded), takes no byte
// after the dot line's LF, and its output is always a prefix of the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "smtpsend/message/dot_line_input.hpp"

namespace {

using smtpsend::message::DotLineFilter;

void check(bool condition) {
  if (!condition) std::abort();
}

// The message and the input bytes it uses (the dot line included).
std::pair<std::string_view, std::size_t> reference(std::string_view input) {
  for (std::size_t start = 0; start < input.size();) {
    const std::size_t lf = input.find('\n', start);
    const std::string_view line =
        input.substr(start, lf == std::string_view::npos ? lf : lf - start);
    if (line == "." || line == ".\r") {
      return {input.substr(0, start), lf == std::string_view::npos ? input.size() : lf + 1};
    }
    if (lf == std::string_view::npos) break;
    start = lf + 1;
  }
  return {input, input.size()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 17;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto [expected, used] = reference(input);

  DotLineFilter filter;
  std::string message;
  std::size_t consumed = 0;
  for (std::size_t at = 0; at < input.size() && !filter.ended(); at += piece) {
    const std::string_view slice = input.substr(at, piece);
    const std::size_t took = filter.feed(slice, message);
    check(took <= slice.size());
    check(filter.ended() || took == slice.size());
    consumed += took;
    check(input.starts_with(message));
  }
  if (!filter.ended()) filter.finish();
  check(filter.ended());
  check(message == expected);
  check(consumed == used);
  return 0;
}
