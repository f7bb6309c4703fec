#include "smtpsend/report/stderr_transcript.hpp"

#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::report {
namespace {

std::string_view marker(TranscriptKind kind) {
  switch (kind) {
    case TranscriptKind::client:
      return "->";
    case TranscriptKind::server:
      return "<-";
    case TranscriptKind::info:
      return "**";
  }
  return "**";
}

// Whoever emits a line may pass it with its CRLF; that is framing, not content.
std::string_view without_line_end(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

}  // namespace

void StderrTranscript::line(std::string_view peer, TranscriptKind kind, std::string_view text,
                            int level) {
  if (level > verbosity_) return;
  std::string out = "smtpsend: ";
  if (!peer.empty()) out += "[" + sanitize_server_text(peer) + "] ";
  out += marker(kind);
  out += ' ';
  out += sanitize_server_text(without_line_end(text));
  out += '\n';
  const std::lock_guard lock(mutex_);
  out_ << out << std::flush;
}

}  // namespace smtpsend::report
