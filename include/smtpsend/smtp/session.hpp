// smtp/session: the sans-io SMTP client session (RFC 5321, 2920, 1870, 6152, 6531).
//
// Owns: the protocol steps of one connection to one host: greeting, EHLO (HELO fallback on a
// 5xx to EHLO), one or more mail transactions (MAIL, RCPT..., DATA, message data, final dot),
// PIPELINING groups, SIZE, BODY=8BITMIME (or the message's 7-bit form), SMTPUTF8 (RFC 6531),
// 452 splitting, RSET only when needed, QUIT; CHUNKING (RFC 3030): one BDAT LAST per message,
// pipelined with MAIL and RCPT when it fits one write.
// STARTTLS (RFC 3207) under a TlsPolicy: StartTls action, on_tls_established/on_tls_failed;
// bytes after the 220 to STARTTLS are discarded unparsed (CVE-2011-0411), and after the
// handshake the capabilities are forgotten and EHLO is sent again (RFC 3207 §4.2). Implicit TLS (RFC 8314):
// StartTls before the greeting. AUTH (RFC 4954) with the SASL clients of sasl.hpp, refused
// without TLS unless allowed; its secrets appear in the transcript only as "<redacted>".
//
// Must not: own a socket, a timer or a clock, read a file, or include Asio/OpenSSL/c-ares (the
// build checks). Message data is asked for (ReadBody) a slice at a time as it is sent, and the
// transport hands the bytes in (on_body), reading a large message's body from its file there;
// a read failure is an event like any other (on_body_failed: the recipients are deferred, the
// final dot never sent).
// The transport calls next_action(), performs it, and reports back with on_*().
//
// Result: Done{SessionOutcome} holds one RecipientOutcome per recipient of every transaction.
// A recipient is `delivered` only after a 2xx reply to its transaction's end of data. Recipients
// the session could not settle (the host failed before their fate was known) are `final = false`:
// the destination may retry them on its next host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/core/progress.hpp"
#include "smtpsend/core/transcript.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/smtp/capabilities.hpp"
#include "smtpsend/smtp/envelope_parameters.hpp"
#include "smtpsend/smtp/reply.hpp"
#include "smtpsend/smtp/sasl.hpp"
#include "smtpsend/smtp/stage.hpp"
#include "smtpsend/smtp/tls_policy.hpp"

namespace smtpsend::smtp {

// One mail transaction: one message to the recipients of this destination.
struct Transaction {
  std::size_t message_index = 0;        // which -m message (reported back in outcomes)
  std::string mail_from;                // envelope sender without <>; empty = null sender
  std::vector<std::string> recipients;  // envelope recipients without <>
  // The whole message, canonical CRLF, NOT dot-stuffed (the session dot-stuffs while sending):
  // in memory, or a large message's head and its spooled rest, which the transport reads in
  // slices while sending (ReadBody). The caller keeps the bytes alive until the session is Done.
  message::ContentView content;
  bool eight_bit = false;  // content has bytes >= 0x80: needs BODY=8BITMIME
  // eight_bit only: the message converted to 7 bits (RFC 6152 §3, message/seven_bit_downgrade)
  // for a server without 8BITMIME, kept alive like `content`: in memory, or made while it is
  // sent (message/seven_bit_stream). Empty when it cannot be converted; `seven_bit_error` then
  // says why ("5.6.3 ..."), and such a server fails it.
  message::ContentView seven_bit_content = {};
  std::string seven_bit_error = {};
  // RFC 6531 §3.2: the message needs SMTPUTF8 whoever gets it (a UTF-8 sender, raw UTF-8 in
  // the header section). A recipient needs it when its wire address is not ASCII; then only
  // that recipient does. MAIL FROM carries SMTPUTF8 when anyone in the transaction needs it; a
  // server without it fails those (5.6.7), not final, so the destination's other hosts are tried.
  bool needs_smtputf8 = false;
  // The envelope as it goes on the wire: domains as A-labels (RFC 5890 §2.3.2.1, RFC 5321
  // §2.3.5). Empty = mail_from / recipients as they are. Outcomes keep `recipients` (as the
  // user wrote them): the destination and the runner match outcomes by that text.
  std::string wire_mail_from = {};
  std::vector<std::string> wire_recipients = {};  // same order as recipients when not empty
  EnvelopeParameters parameters = {};  // DSN (sendmail -N/-R/-V), as the user asked
};

struct Peer {
  std::string host;  // "mx1.example.com" (or the literal for a domain literal)
  std::string ip;    // "192.0.2.1"
};

// SMTP AUTH (RFC 4954) for a relay: who, how, and the crypto the SASL mechanisms use.
struct AuthSettings {
  SaslCredentials credentials;
  SaslPreference preference;           // --auth (auto when unset), --oauth-token-cmd
  bool allow_plaintext = false;        // --allow-plaintext-auth: AUTH without TLS
  const SaslCrypto* crypto = nullptr;  // never null; outlives the session
};

// What is the same for every session of a run: chosen once (cli, completed by app) and carried
// as this one value, through delivery::DeliveryOptions, to each session. A new run-wide session
// setting is a member here and nowhere else.
struct SessionSettings {
  bool use_pipelining = true;  // PIPELINING when the server offers it (RFC 2920)
  // A pipelined group is cut into writes of at most this many bytes, and message data is
  // written in blocks of at most this size, so a pipelined write can never deadlock against a
  // server that is itself blocked writing replies (RFC 2920 §3.1).
  std::size_t max_write = 64 * 1024;
  // CHUNKING (RFC 3030) when the server offers it: "BDAT <size> LAST" and the message as it is,
  // no dot-stuffing and no 354 to wait for.
  bool use_chunking = true;
  // --timeout (RFC 5321 §4.5.3.2), kept here once: the transport arms its deadlines from this
  // value (delivery passes it on in transport::Timeouts), the session only quotes the number in
  // "no reply within N s".
  StageTimeouts timeouts;
  // Set: AUTH after EHLO (and after STARTTLS), before the first MAIL FROM. Shared, not copied,
  // so the secret exists once.
  std::shared_ptr<const AuthSettings> auth;
  // Told of each recipient whose result is final, as it happens (may be null).
  ProgressSink* progress = nullptr;
};

// One session: the run-wide settings as they are, plus what belongs to this connection alone.
struct SessionConfig {
  SessionSettings settings;
  std::string helo_name;  // from the connection's local address (delivery/helo_name)
  Peer peer;
  // Decided per host by delivery::tls_for_host(). none keeps the session in clear whatever the
  // server offers (MX delivery: opportunistic by default, SPEC.md "TLS").
  TlsPolicy tls = TlsPolicy::none;
  // The transport started TLS before the greeting (RFC 8314); STARTTLS is then never sent.
  // The first action is StartTls, and the greeting is read over TLS; a failed handshake is
  // a policy failure (77): there is no clear-text fallback on a TLS port.
  bool implicit_tls = false;
};

struct RecipientOutcome {
  RecipientResult result;  // message_index, address, status, cause, diag (host/ip filled)
  bool final = true;       // false: not settled here; another host may be tried for it
  friend bool operator==(const RecipientOutcome&, const RecipientOutcome&) = default;
};

struct SessionOutcome {
  std::vector<RecipientOutcome> recipients;
  Capabilities capabilities;  // what the last EHLO offered (for -vv and tests)
  // Non-empty when an opportunistic STARTTLS handshake failed: one sentence ("TLS handshake
  // with host[ip] failed: ..."). The destination may then retry this host in clear.
  std::string tls_failure = {};
  friend bool operator==(const SessionOutcome&, const SessionOutcome&) = default;
};

// The Write that ends a transaction's message data (its final dot, or BDAT LAST's last octet):
// once it is written the server may deliver, so a caller that must survive a crash records these
// recipients as "in flight" before the transport writes it (SPEC.md "Queue": at most one copy,
// flagged may_duplicate across the dot-to-reply window).
struct EndOfData {
  std::size_t message_index = 0;
  // Accepted by RCPT, plus, when BDAT went out pipelined with the envelope (RFC 3030 §4.2),
  // those whose RCPT reply has not come yet: any of them may be delivered.
  std::vector<std::string> recipients;
  friend bool operator==(const EndOfData&, const EndOfData&) = default;
};

// ---- Actions: values, comparable and printable (DESIGN.md rule 3) ----
struct Write {
  std::string bytes;
  Stage stage;  // the transport arms this stage's timeout for the write
  // Message data: the transport keeps reading while this write is under way and hands what
  // arrives to on_bytes(). A reply to end of data that comes before the final dot (or the last
  // BDAT octet) is fully written ends the attempt (SPEC.md "Protocol duties"); if the session
  // gives the write up that way, write_pending() turns false and the transport abandons it.
  bool watch_replies = false;
  // An AUTH line with a credential in it (RFC 4954 §4): once the write is done, the transport
  // wipes its copy of the bytes (wipe(), sasl.hpp), as the session wipes its own.
  bool secret = false;
  // Set on the Write that ends message data (see EndOfData).
  std::optional<EndOfData> ends_data = {};
  friend bool operator==(const Write&, const Write&) = default;
};
struct Read {
  Stage stage;  // the transport arms this stage's timeout and reads some bytes
  // Which reply is awaited, counted from the greeting (0). RFC 5321 §4.5.3.2's timeouts run
  // from the command to the complete reply: the transport keeps one deadline per reply, so
  // Reads for the same reply share it however slowly its bytes trickle in.
  std::uint64_t reply = 0;
  friend bool operator==(const Read&, const Read&) = default;
};
// The next bytes of message data: the transport reads at most `max` bytes of `content` from
// `offset` (message::ContentSlices) and answers with on_body(), or on_body_failed() when they
// cannot be read. Asked a slice at a time, just ahead of the Write that carries them, so no
// more than a block or two of the message is held.
struct ReadBody {
  message::ContentView content;
  std::uint64_t offset = 0;  // bytes of `content` already handed in
  std::size_t max = 0;
  friend bool operator==(const ReadBody&, const ReadBody&) = default;
};
struct StartTls {
  friend bool operator==(const StartTls&, const StartTls&) = default;
};
struct Close {
  friend bool operator==(const Close&, const Close&) = default;
};
struct Done {
  SessionOutcome outcome;
  friend bool operator==(const Done&, const Done&) = default;
};
using Action = std::variant<Write, Read, ReadBody, StartTls, Close, Done>;
std::ostream& operator<<(std::ostream& os, const Action& action);

class Session {
 public:
  // `sink` may be null. It receives "->"/"<-" lines; message data is summarised, not echoed.
  Session(SessionConfig config, std::vector<Transaction> transactions,
          TranscriptSink* sink = nullptr);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  // What the transport must do next. Calling it twice without an event in between returns the
  // same action. After Close, the next call returns Done; after Done, Done again.
  Action next_action();

  // Events. Bytes may arrive split anywhere, one byte at a time included.
  void on_bytes(std::string_view bytes);
  void on_written();
  // The answer to ReadBody: the next bytes of the content (any number up to `max`), empty once
  // it has ended; or one sentence saying why it cannot be read.
  void on_body(std::string_view bytes);
  void on_body_failed(std::string sentence);
  void on_tls_established(std::string_view peer_description);
  void on_tls_failed(std::error_code ec);
  void on_eof();
  void on_io_error(std::error_code ec);
  void on_timeout();

  // True while a Write has been handed out and neither on_written() nor a failure has answered
  // it. A watched write (Write::watch_replies) that the session gave up on reads false: the
  // transport then cancels it and asks next_action() again.
  bool write_pending() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtpsend::smtp
