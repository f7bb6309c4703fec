#include "smtpsend/report/failure_lines.hpp"

#include <fmt/format.h>

#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::report {
namespace {

constexpr std::string_view kMayDuplicate = "may have been delivered";

// "(mx1.example.com[192.0.2.1])", or whichever half is known.
std::string peer_suffix(const Diagnostics& diag) {
  const std::string host = sanitize_server_text(diag.host);
  const std::string ip = sanitize_server_text(diag.ip);
  if (host.empty() && ip.empty()) return {};
  if (ip.empty()) return fmt::format(" ({})", host);
  return fmt::format(" ({}[{}])", host, ip);
}

std::string quoted_reply(const ServerReply& reply, const Diagnostics& diag) {
  std::string text = fmt::format(
      "{} {}", reply.code, reply.enhanced.empty() ? "-" : sanitize_server_text(reply.enhanced));
  if (!reply.text.empty()) text += " " + sanitize_server_text(reply.text);
  return text + peer_suffix(diag);
}

std::string sentence(const RecipientResult& result) {
  const Diagnostics& diag = result.diag;
  std::string text = diag.detail;
  if (text.empty() && diag.error) text = diag.error.message();
  if (text.empty()) text = "no reason was recorded";
  // The duplicate warning is the one thing a user must not miss (SPEC.md "Output").
  if (result.may_duplicate && text.find(kMayDuplicate) == std::string::npos) {
    text += "; the message may have been delivered";
  }
  return sanitize_server_text(text);
}

}  // namespace

std::optional<std::string> failure_line(const RecipientResult& result) {
  if (result.status == RecipientStatus::delivered) return std::nullopt;
  const std::string what =
      result.diag.reply ? quoted_reply(*result.diag.reply, result.diag) : sentence(result);
  // SPEC.md "Queue": "smtpsend: <rcpt>: queued (<id>): <reason>".
  const std::string status = result.status == RecipientStatus::queued
                                 ? fmt::format("queued ({})", result.queue_id)
                                 : std::string(to_string(result.status));
  return fmt::format("smtpsend: {}: {}: {}", sanitize_server_text(result.address), status, what);
}

void write_failure_lines(std::ostream& out, std::span<const RecipientResult> results) {
  for (const auto& result : results) {
    if (auto line = failure_line(result)) out << *line << '\n';
  }
  out.flush();
}

std::string fatal_line(std::string_view sentence) {
  return fmt::format("smtpsend: {}", sanitize_server_text(sentence));
}

}  // namespace smtpsend::report
