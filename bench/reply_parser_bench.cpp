// The SMTP reply parser (smtp/reply.hpp) on what a session really reads: a multi-line EHLO
// reply, and the burst of one-line replies a pipelined transaction gets back. Fed whole and one
// byte at a time (the worst split a network can produce).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "smtpsend/smtp/reply.hpp"

namespace {

constexpr std::string_view kEhlo =
    "250-mx1.example.test Hello client.test [192.0.2.1]\r\n"
    "250-SIZE 52428800\r\n"
    "250-8BITMIME\r\n"
    "250-PIPELINING\r\n"
    "250-CHUNKING\r\n"
    "250-STARTTLS\r\n"
    "250-ENHANCEDSTATUSCODES\r\n"
    "250-SMTPUTF8\r\n"
    "250 HELP\r\n";

constexpr std::string_view kPipelinedGroup =
    "250 2.1.0 Ok\r\n"
    "250 2.1.5 Ok\r\n"
    "250 2.1.5 Ok\r\n"
    "354 End data with <CR><LF>.<CR><LF>\r\n";

// Parses every reply in `wire`, `step` bytes per feed() call; returns the number of replies.
std::size_t parse_all(smtpsend::smtp::ReplyParser& parser, std::string_view wire,
                      std::size_t step) {
  std::size_t replies = 0;
  while (!wire.empty()) {
    const std::string_view piece = wire.substr(0, step);
    const auto result = parser.feed(piece);
    if (result.status == smtpsend::smtp::ReplyParser::Status::reply_ready) {
      benchmark::DoNotOptimize(parser.take());
      ++replies;
    } else if (result.status == smtpsend::smtp::ReplyParser::Status::error) {
      return replies;  // not reached with these inputs; the counter would show it
    }
    wire.remove_prefix(result.consumed);
  }
  return replies;
}

void run_parser(benchmark::State& state, std::string_view wire, std::size_t step) {
  smtpsend::smtp::ReplyParser parser;
  std::size_t replies = 0;
  for (auto _ : state) replies += parse_all(parser, wire, step);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(wire.size()));
  state.counters["replies/s"] =
      benchmark::Counter(static_cast<double>(replies), benchmark::Counter::kIsRate);
}

void BM_ReplyParser_Ehlo(benchmark::State& state) {
  run_parser(state, kEhlo, kEhlo.size());
}
BENCHMARK(BM_ReplyParser_Ehlo);

void BM_ReplyParser_Ehlo_ByteAtATime(benchmark::State& state) {
  run_parser(state, kEhlo, 1);
}
BENCHMARK(BM_ReplyParser_Ehlo_ByteAtATime);

void BM_ReplyParser_PipelinedGroup(benchmark::State& state) {
  run_parser(state, kPipelinedGroup, kPipelinedGroup.size());
}
BENCHMARK(BM_ReplyParser_PipelinedGroup);

}  // namespace
