// smtp/stage: the one table of protocol stages: name, default timeout (RFC 5321 §4.5.3.2),
// the sentence used in errors, and the command word.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>

namespace smtpsend::smtp {

enum class Stage {
  connect,
  greeting,
  ehlo,
  helo,
  starttls,
  tls_handshake,
  auth,
  mail,
  rcpt,
  data,         // the DATA command and its 354
  data_block,   // writing message data
  end_of_data,  // waiting for the reply to the final dot (or BDAT LAST)
  rset,
  quit,
};

struct StageInfo {
  Stage stage;
  std::string_view name;              // "rcpt"
  std::chrono::seconds default_timeout;
  std::string_view sentence;          // "while sending RCPT TO"
  std::string_view command;           // "RCPT TO"
};

const StageInfo& stage_info(Stage stage) noexcept;

// The timeout in force for each stage: the table's default unless --timeout overrides all.
// The transport arms it; the session quotes it in "no reply within N s" sentences.
struct StageTimeouts {
  std::optional<std::chrono::seconds> every_stage;
  std::chrono::seconds for_stage(Stage stage) const noexcept;
  friend bool operator==(const StageTimeouts&, const StageTimeouts&) = default;
};
std::span<const StageInfo> stage_table() noexcept;
std::ostream& operator<<(std::ostream& os, Stage stage);

}  // namespace smtpsend::smtp
