// The header section scan (message/header_scanner.cpp) that runs once per message at load
// time: a realistic header block of a list mail (Received chain, DKIM signature with folded
// lines, the fields smtpsend reads), followed by a short body that the scan must not touch.
#include <benchmark/benchmark.h>

#include <string>

#include "smtpsend/message/message.hpp"

namespace {

std::string make_message() {
  std::string m;
  for (int hop = 0; hop < 6; ++hop) {
    m += "Received: from relay" + std::to_string(hop) +
         ".example.net (relay.example.net [192.0.2." + std::to_string(hop) +
         "])\r\n\tby mx.example.test (Postfix) with ESMTPS id 4Xyz" + std::to_string(hop) +
         "\r\n\tfor <user@example.test>; Tue, 24 Nov 2026 01:00:00 +0000 (UTC)\r\n";
  }
  m += "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=sel;\r\n"
       "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
       "\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaXMgYXMgbG9uZyBhcyBvbmUgaXMg\r\n"
       "\t YW5kIGZvbGRlZCBvdmVyIHNldmVyYWwgbGluZXMgbGlrZSBhIHJlYWwgb25lIHdvdWxkIGJl\r\n";
  m += "From: \"Alice Example\" <alice@example.net>\r\n"
       "Sender: list-bounces@example.net\r\n"
       "To: Bob <bob@example.test>, \"Carol, C.\" <carol@example.test>\r\n"
       "Subject: =?UTF-8?Q?Quarterly_r=C3=A9sum=C3=A9?= and a fairly long subject line\r\n"
       "Date: Tue, 24 Nov 2026 01:00:00 +0000\r\n"
       "Message-ID: <20261124010000.12345@example.net>\r\n"
       "MIME-Version: 1.0\r\n"
       "Content-Type: text/plain; charset=utf-8\r\n"
       "List-Id: Example list <list.example.net>\r\n"
       "List-Unsubscribe: <mailto:list-leave@example.net>, <https://example.net/leave>\r\n"
       "\r\n";
  for (int line = 0; line < 20; ++line) m += "Body text that the header scan stops before.\r\n";
  return m;
}

void BM_HeaderScanner_ListMail(benchmark::State& state) {
  const std::string message = make_message();
  smtpsend::message::HeaderFacts facts;
  smtpsend::message::LoadError error;
  for (auto _ : state) {
    const bool ok = smtpsend::message::scan_headers(message, facts, error);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(facts.header_end);
  }
  // Throughput over the header section only: that is what the scan reads.
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(facts.header_end));
  state.counters["headers/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                   benchmark::Counter::kIsRate);
}
BENCHMARK(BM_HeaderScanner_ListMail);

}  // namespace
