// report/stderr_transcript: the -v / -vv transcript on stderr (SPEC.md "Output").
//
// Lines look like "smtpsend: [mx1.example.com] -> EHLO host", "... <- 250 ok", "... ** note".
// A line is printed when its level is at most the verbosity (-v = 1, -vv = 2). Secrets are
// redacted by whoever emits the line; this sink only sanitises server bytes so a hostile server
// cannot forge output. Lines are written whole under a lock, so concurrent destinations never
// interleave within a line.
#pragma once

#include <mutex>
#include <ostream>
#include <string_view>

#include "smtpsend/core/transcript.hpp"

namespace smtpsend::report {

class StderrTranscript final : public TranscriptSink {
 public:
  StderrTranscript(std::ostream& out, int verbosity) : out_(out), verbosity_(verbosity) {}
  void line(std::string_view peer, TranscriptKind kind, std::string_view text, int level) override;

 private:
  std::ostream& out_;
  int verbosity_;
  std::mutex mutex_;
};

}  // namespace smtpsend::report
