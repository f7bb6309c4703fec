#include "smtpsend/report/stderr_transcript.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace smtpsend::report {
namespace {

void emit_sample(TranscriptSink& sink) {
  sink.line("mx1.example.com", TranscriptKind::info, "connecting to 192.0.2.1 port 25", 1);
  sink.line("mx1.example.com", TranscriptKind::server, "220 mx1 ESMTP", 1);
  sink.line("mx1.example.com", TranscriptKind::client, "EHLO host.example.org", 1);
  sink.line("", TranscriptKind::info, "MX example.com: 10 mx1.example.com", 2);
}

TEST(StderrTranscript, SilentAtVerbosityZero) {
  std::ostringstream out;
  StderrTranscript sink(out, 0);
  emit_sample(sink);
  EXPECT_EQ(out.str(), "");
}

TEST(StderrTranscript, ConversationAtVerbosityOne) {
  std::ostringstream out;
  StderrTranscript sink(out, 1);
  emit_sample(sink);
  EXPECT_EQ(out.str(),
            "smtpsend: [mx1.example.com] ** connecting to 192.0.2.1 port 25\n"
            "smtpsend: [mx1.example.com] <- 220 mx1 ESMTP\n"
            "smtpsend: [mx1.example.com] -> EHLO host.example.org\n");
}

TEST(StderrTranscript, DetailAtVerbosityTwo) {
  std::ostringstream out;
  StderrTranscript sink(out, 2);
  emit_sample(sink);
  EXPECT_NE(out.str().find("smtpsend: ** MX example.com: 10 mx1.example.com\n"), std::string::npos);
}

TEST(StderrTranscript, ServerBytesSanitisedAndLineEndDropped) {
  std::ostringstream out;
  StderrTranscript sink(out, 1);
  sink.line("mx\x1b.example.com", TranscriptKind::server, "250 ok\x1b[31m\rforged\r\n", 1);
  EXPECT_EQ(out.str(), "smtpsend: [mx?.example.com] <- 250 ok?[31m?forged\n");
}

TEST(StderrTranscript, DefaultLevelIsTheConversation) {
  std::ostringstream out;
  StderrTranscript sink(out, 1);
  TranscriptSink& base = sink;
  base.line("h", TranscriptKind::client, "QUIT");
  EXPECT_EQ(out.str(), "smtpsend: [h] -> QUIT\n");
}

}  // namespace
}  // namespace smtpsend::report
