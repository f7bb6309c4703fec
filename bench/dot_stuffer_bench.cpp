// The DATA encoder (issue 5 target: >= 1 GB/s per core): DotStuffer::feed on typical message
// text, on text with a "." at the start of every line (the worst case for stuffing), and on
// bare-LF input (every line ending rewritten); canonicalize_crlf, the load-time pass over the
// whole message, on LF and CRLF input. Bytes processed are input bytes, so MB/s compares with
// the speed at which a file can be read.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

#include "smtpsend/message/dot_stuffer.hpp"
#include "smtpsend/message/message.hpp"

namespace {

constexpr std::size_t kInputSize = 4 * 1024 * 1024;

// Text of ~72-byte lines with the given line ending, `dot_every` > 0 puts a "." at the start of
// every dot_every-th line.
std::string make_text(std::string_view eol, int dot_every) {
  static constexpr std::string_view kLine =
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod";
  std::string text;
  text.reserve(kInputSize + 128);
  for (int line = 0; text.size() < kInputSize; ++line) {
    if (dot_every > 0 && line % dot_every == 0) text += '.';
    text += kLine;
    text += eol;
  }
  return text;
}

// The session feeds the stuffer in slices of at most max_write (64 KiB); so does this.
void run_stuffer(benchmark::State& state, const std::string& input) {
  constexpr std::size_t kSlice = 64 * 1024;
  std::string out;
  out.reserve(kSlice * 2 + 16);
  smtpsend::message::DotStuffer stuffer;
  for (auto _ : state) {
    for (std::size_t pos = 0; pos < input.size(); pos += kSlice) {
      out.clear();
      stuffer.feed(std::string_view(input).substr(pos, kSlice), out);
      benchmark::DoNotOptimize(out.data());
    }
    out.clear();
    stuffer.finish(out);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}

void BM_DotStuffer_CrlfText(benchmark::State& state) {
  run_stuffer(state, make_text("\r\n", 0));
}
BENCHMARK(BM_DotStuffer_CrlfText);

void BM_DotStuffer_EveryLineDotted(benchmark::State& state) {
  run_stuffer(state, make_text("\r\n", 1));
}
BENCHMARK(BM_DotStuffer_EveryLineDotted);

void BM_DotStuffer_BareLf(benchmark::State& state) {
  run_stuffer(state, make_text("\n", 0));
}
BENCHMARK(BM_DotStuffer_BareLf);

void run_canonicalize(benchmark::State& state, const std::string& input) {
  for (auto _ : state) {
    std::string out = smtpsend::message::canonicalize_crlf(input);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input.size()));
}

void BM_CanonicalizeCrlf_Lf(benchmark::State& state) {
  run_canonicalize(state, make_text("\n", 0));
}
BENCHMARK(BM_CanonicalizeCrlf_Lf);

void BM_CanonicalizeCrlf_Crlf(benchmark::State& state) {
  run_canonicalize(state, make_text("\r\n", 0));
}
BENCHMARK(BM_CanonicalizeCrlf_Crlf);

}  // namespace
