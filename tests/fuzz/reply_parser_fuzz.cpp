// libFuzzer target: the SMTP reply parser must never crash, never consume more than it was
// given, and keep every reply within the line and line-count bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "smtpsend/smtp/capabilities.hpp"
#include "smtpsend/smtp/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using smtpsend::smtp::ReplyParser;
  ReplyParser parser;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  // The first byte chooses a chunk size so that splits are exercised too.
  const std::size_t chunk = size > 0 ? (data[0] % 17) + 1 : 1;
  while (!rest.empty()) {
    const std::string_view piece = rest.substr(0, chunk);
    const auto result = parser.feed(piece);
    if (result.consumed > piece.size()) __builtin_trap();
    rest.remove_prefix(result.consumed);
    if (result.status == ReplyParser::Status::error) break;
    if (result.status == ReplyParser::Status::reply_ready) {
      const smtpsend::smtp::Reply reply = parser.take();
      if (reply.lines.empty() || reply.lines.size() > smtpsend::smtp::kMaxReplyLines)
        __builtin_trap();
      if (reply.code < 200 || reply.code > 599) __builtin_trap();
      for (const auto& line : reply.lines) {
        if (line.size() > smtpsend::smtp::kMaxReplyLineLength) __builtin_trap();
      }
      (void)reply.text();
      (void)smtpsend::smtp::Capabilities::from_ehlo(reply);
    }
  }
  return 0;
}
