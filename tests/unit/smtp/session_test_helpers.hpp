// Shared vocabulary of the session tests: a sender, bodies, greetings and EHLO replies.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "smtpsend/smtp/session.hpp"
#include "support/session_script.hpp"

namespace smtpsend::smtp::testing {

inline constexpr char kSender[] = "alice@example.org";
inline constexpr char kBody[] = "Subject: hi\r\n\r\nHello\r\n";
inline constexpr char kBodyOnWire[] = "Subject: hi\r\n\r\nHello\r\n.\r\n";
inline constexpr char kGreeting[] = "220 mx.example.net ESMTP\r\n";
inline constexpr char kEhlo[] = "EHLO client.example\r\n";
inline constexpr char kHelo[] = "HELO client.example\r\n";
inline constexpr char kQuit[] = "QUIT\r\n";
inline constexpr char kMailFrom[] = "MAIL FROM:<alice@example.org>\r\n";
inline constexpr char kData[] = "DATA\r\n";
// No extensions worth using: one command, one reply.
inline constexpr char kEhloPlain[] = "250-mx.example.net hello\r\n250 HELP\r\n";
inline constexpr char kEhloPipelining[] =
    "250-mx.example.net hello\r\n250-PIPELINING\r\n250 8BITMIME\r\n";

inline std::string rcpt(const std::string& address) {
  return "RCPT TO:<" + address + ">\r\n";
}

inline Transaction transaction(std::vector<std::string> recipients,
                               std::string_view content = kBody, std::size_t message_index = 0) {
  Transaction t;
  t.message_index = message_index;
  t.mail_from = kSender;
  t.recipients = std::move(recipients);
  t.content = content;
  return t;
}

inline ExpectedRecipient delivered(std::string address, std::size_t message_index = 0) {
  return {std::move(address), RecipientStatus::delivered, FailureCause::none, true, 250, false,
          message_index};
}

inline ExpectedRecipient outcome(std::string address, RecipientStatus status, FailureCause cause,
                                 bool final, int reply_code, std::size_t message_index = 0) {
  return {std::move(address), status, cause, final, reply_code, false, message_index};
}

// A script that has already passed the greeting and EHLO (with the given EHLO reply).
inline SessionScript after_ehlo(std::vector<Transaction> transactions,
                                const std::string& ehlo_reply = kEhloPlain,
                                SessionConfig config = test_config()) {
  SessionScript script(std::move(config), std::move(transactions));
  script.reply(kGreeting).expect_write(kEhlo).reply(ehlo_reply);
  return script;
}

}  // namespace smtpsend::smtp::testing
