#include "smtpsend/smtp/stage.hpp"

#include <array>

namespace smtpsend::smtp {
namespace {

using std::chrono::seconds;

// RFC 5321 §4.5.3.2: initial 220 5 min, MAIL 5 min, RCPT 5 min, DATA initiation 2 min,
// data block 3 min, DATA termination 10 min. Commands the RFC does not time (EHLO, STARTTLS,
// AUTH, RSET, QUIT) get 5 min like MAIL; the TLS handshake gets the same.
constexpr std::array<StageInfo, 14> kStages{{
    {Stage::connect, "connect", seconds{30}, "while connecting", ""},
    {Stage::greeting, "greeting", seconds{300}, "while waiting for the greeting", ""},
    {Stage::ehlo, "ehlo", seconds{300}, "while sending EHLO", "EHLO"},
    {Stage::helo, "helo", seconds{300}, "while sending HELO", "HELO"},
    {Stage::starttls, "starttls", seconds{300}, "while sending STARTTLS", "STARTTLS"},
    {Stage::tls_handshake, "tls_handshake", seconds{300}, "during the TLS handshake", ""},
    {Stage::auth, "auth", seconds{300}, "while authenticating", "AUTH"},
    {Stage::mail, "mail", seconds{300}, "while sending MAIL FROM", "MAIL FROM"},
    {Stage::rcpt, "rcpt", seconds{300}, "while sending RCPT TO", "RCPT TO"},
    {Stage::data, "data", seconds{120}, "while sending DATA", "DATA"},
    {Stage::data_block, "data_block", seconds{180}, "while sending the message", ""},
    {Stage::end_of_data, "end_of_data", seconds{600}, "after end of data", "."},
    {Stage::rset, "rset", seconds{300}, "while sending RSET", "RSET"},
    {Stage::quit, "quit", seconds{300}, "while sending QUIT", "QUIT"},
}};

constexpr bool table_matches_enum() {
  for (std::size_t i = 0; i < kStages.size(); ++i) {
    if (static_cast<std::size_t>(kStages[i].stage) != i) return false;
  }
  return true;
}
static_assert(table_matches_enum(), "kStages must list the stages in enum order");

}  // namespace

const StageInfo& stage_info(Stage stage) noexcept {
  return kStages[static_cast<std::size_t>(stage)];
}

std::span<const StageInfo> stage_table() noexcept {
  return kStages;
}

std::chrono::seconds StageTimeouts::for_stage(Stage stage) const noexcept {
  if (every_stage) return *every_stage;
  return stage_info(stage).default_timeout;
}

std::ostream& operator<<(std::ostream& os, Stage stage) {
  return os << stage_info(stage).name;
}

}  // namespace smtpsend::smtp
