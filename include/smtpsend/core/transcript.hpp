// core/transcript: the -v sink. Protocol modules emit lines; report/ prints them.
//
// Whoever emits a line has already redacted secrets (AUTH payloads): the sink prints what it
// gets. Level 1 is the SMTP conversation (-v); level 2 adds DNS and TLS detail (-vv).
#pragma once

#include <string_view>

namespace smtpsend {

enum class TranscriptKind {
  client,  // a line we sent          ("-> EHLO host")
  server,  // a line the server sent  ("<- 250 ok")
  info,    // a note: connecting, TLS established, DNS answer
};

class TranscriptSink {
 public:
  virtual ~TranscriptSink() = default;
  // `peer` names the host the line belongs to (destinations run concurrently); `level` is 1
  // for the conversation and 2 for detail.
  virtual void line(std::string_view peer, TranscriptKind kind, std::string_view text,
                    int level = 1) = 0;
};

// Discards everything; the default when -v is not given.
class NullTranscript final : public TranscriptSink {
 public:
  void line(std::string_view, TranscriptKind, std::string_view, int) override {}
};

}  // namespace smtpsend
