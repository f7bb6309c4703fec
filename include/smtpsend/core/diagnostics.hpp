// core/diagnostics: what is known about one failure, for the one-line report and --json.
//
// A Diagnostics value travels with an outcome from where it happened (session, resolver,
// connector) to the report. It never holds secrets: AUTH payloads are redacted before they
// could reach it. Server text is stored raw; the report sanitises it before printing.
#pragma once

#include <optional>
#include <string>
#include <system_error>

namespace smtpsend {

// A server reply as the report needs it: code, RFC 3463 enhanced code (empty when the server
// sent none or its class did not match the code), text with line breaks joined by spaces.
struct ServerReply {
  int code = 0;
  std::string enhanced;
  std::string text;
  friend bool operator==(const ServerReply&, const ServerReply&) = default;
};

struct Diagnostics {
  std::error_code error;              // what went wrong, when no reply says it
  std::optional<ServerReply> reply;   // the reply that decided it, if any
  std::string stage;                  // sentence from the stage table: "while sending RCPT TO"
  std::string host;                   // host name: mx1.example.com
  std::string ip;                     // address text: 192.0.2.1 or 2001:db8::1
  std::string detail;                 // one sentence when there is no reply to quote
  friend bool operator==(const Diagnostics&, const Diagnostics&) = default;
};

}  // namespace smtpsend
