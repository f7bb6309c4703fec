// queue/envelope: the `envelope` file of a queue entry (docs/briefs "queue's shared design",
// SPEC.md "Queue"): who the message is from and for, how it goes, and each recipient's state.
//
// Owns: the Envelope and RecipientState values, their text form (format_envelope) and the
// incremental, bounded parser that reads it back (EnvelopeParser), split anywhere. The text is
// one `key value` per line after a version line, values percent-escaped (bytes < 0x21, '%' and
// > 0x7e as %XX), ending with a line `end` so that a truncated file is never read as whole.
// Never holds a password or token: a relay's account is named, its secret read again at run
// time. Must not: touch files (spool.hpp does). Errors: the parser returns false with one
// sentence naming the line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpsend/smtp/envelope_parameters.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::queue {

// The first line of every envelope file; a later format gets a new number.
inline constexpr std::string_view kEnvelopeVersionLine = "smtpsend-queue-envelope 1";
// Bounds on what the parser accepts (a damaged or hostile file cannot make it grow without
// limit): one line (escaped, without its LF), the recipients of one entry, the whole file.
inline constexpr std::size_t kMaxEnvelopeLine = 16 * 1024;
inline constexpr std::size_t kMaxEnvelopeRecipients = 100'000;
inline constexpr std::size_t kMaxEnvelopeBytes = 64 * 1024 * 1024;
// A server's reply text kept per recipient is cut to this many bytes when formatted: enough
// for any useful reason, and a 128-line reply does not make every state update large.
inline constexpr std::size_t kMaxStoredReplyText = 2048;

// pending: to be tried (again); in_flight: its transaction's final dot was about to be written
// when this was saved (a run finding it was killed and treats it as pending, may_duplicate);
// delivered, failed, expired: done.
enum class RecipientStatus { pending, in_flight, delivered, failed, expired };
std::string_view to_string(RecipientStatus status) noexcept;
std::optional<RecipientStatus> recipient_status_from_string(std::string_view text) noexcept;
constexpr bool is_done(RecipientStatus status) noexcept {
  return status == RecipientStatus::delivered || status == RecipientStatus::failed ||
         status == RecipientStatus::expired;
}

// The last reply a server gave for this recipient (or a local reason, code 0: "connection
// refused", "DNS timeout"). Empty when never tried.
struct LastReply {
  int code = 0;          // 0: no server reply (text says why)
  std::string enhanced;  // RFC 3463, e.g. "4.2.0"; may be empty
  std::string text;
  bool empty() const noexcept { return code == 0 && enhanced.empty() && text.empty(); }
  friend bool operator==(const LastReply&, const LastReply&) = default;
};

struct RecipientState {
  std::string address;
  std::string orcpt;   // RFC 3461 §4.2 ORCPT as given ("rfc822;a@b"); empty: not asked
  std::string notify;  // RFC 3461 §4.1 NOTIFY, as smtp::DsnRequest::notify; empty: not asked
  RecipientStatus status = RecipientStatus::pending;
  unsigned attempts = 0;
  LastReply last_reply;
  std::string host;           // the server of the last attempt; empty when none
  std::string ip;             // its address; empty when none
  std::int64_t next_try = 0;  // Unix seconds; 0: at once
  bool may_duplicate = false;
  friend bool operator==(const RecipientState&, const RecipientState&) = default;
};

// How the entry is sent: to each domain's MX hosts, or through the relay it was queued with.
struct Route {
  bool relay = false;
  std::string relay_host;  // when relay: a host name or an IP address without brackets
  std::uint16_t relay_port = 0;
  bool implicit_tls = false;              // smtps
  std::optional<smtp::TlsPolicy> tls;     // the policy the user chose; nullopt: the default
  std::string user;                       // AUTH user (-u); empty: no AUTH
  std::string account;                    // the configuration's account name; empty: none
  std::string auth_mechanism;             // --auth; empty: negotiated
  std::string config_file;                // the file the account was read from; empty: none
  friend bool operator==(const Route&, const Route&) = default;
};

struct Envelope {
  std::string id;
  std::int64_t arrival = 0;  // Unix seconds
  std::uint64_t size = 0;    // bytes of `message`
  std::string message_id;    // as in the header, with <>; may be empty
  std::string sender;        // empty: the null sender <> (a bounce)
  bool bounce = false;       // never bounced itself; moved to failed/ when it cannot go
  smtp::EnvelopeParameters parameters;  // RET, ENVID (and the message-wide NOTIFY)
  bool smtputf8 = false;     // RFC 6531: needs SMTPUTF8
  bool eight_bit = false;    // RFC 6152: BODY=8BITMIME
  // An 8-bit message without a 7-bit form: why (the "5.6.3 ..." sentence a server without
  // 8BITMIME gets, message/seven_bit_downgrade.hpp); empty otherwise.
  std::string seven_bit_error;
  Route route;
  std::vector<RecipientState> recipients;
  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// The file's text; always parses back to an equal Envelope (reply text over
// kMaxStoredReplyText is cut first).
std::string format_envelope(const Envelope& envelope);

// %XX for bytes < 0x21, '%' and > 0x7e (upper-case hex).
std::string percent_escape(std::string_view value);

// Reads an envelope file fed in pieces of any size. Everything is checked: the version line,
// each key known and in its place, no key twice, values well-formed, the bounds above, the
// `end` line last and nothing after it.
class EnvelopeParser {
 public:
  // False on the first error (then error() holds one sentence; further input is ignored).
  bool feed(std::string_view bytes);
  // After the last byte: false when the input was not a whole envelope.
  bool finish(Envelope& out);
  const std::string& error() const noexcept { return error_; }

 private:
  bool take_line(std::string_view line);
  bool take_header_key(std::string_view key, std::string&& value);
  bool take_recipient_key(std::string_view key, std::string&& value);
  bool check_section_complete();
  bool fail(std::string sentence);

  enum class Part { version, header, recipients, ended };
  Part part_ = Part::version;
  std::string line_;
  std::size_t line_number_ = 0;
  std::size_t total_ = 0;
  std::vector<std::string> seen_;  // keys of the current section
  Envelope envelope_;
  std::string error_;
  bool failed_ = false;
};

// Whole text at once; `error` gets one sentence.
bool parse_envelope(std::string_view text, Envelope& out, std::string& error);

}  // namespace smtpsend::queue
