// smtp/session_impl: the private state of smtp::Session, shared by its source files.
//
// session.cpp        the public API: actions out, events in, cutting bytes into Writes
// session_flow.cpp   which command comes next, and what each reply means (RFC 5321 §4.3.2)
// session_fate.cpp   settling recipients: outcomes, diagnostics, failure sentences
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/dot_stuffer.hpp"
#include "smtpsend/smtp/session.hpp"

namespace smtpsend::smtp {

// The reply the session waits for next. Replies come in the order of the commands, pipelined
// or not (RFC 2920 §3.1), so a queue of these matches every reply to its command.
enum class Awaited {
  greeting,
  ehlo,
  helo,
  starttls,
  auth,  // AUTH and each response line: 334, 235 or a failure (RFC 4954 §4)
  rset,
  mail,
  rcpt,
  data,
  empty_data_end,  // the reply to a lone "." sent after an unwanted 354 (RFC 2920 §3.1)
  end_of_data,     // the reply to the final dot, or to BDAT LAST (RFC 3030 §2)
};

struct Expectation {
  Awaited what;
  std::size_t slot = 0;  // the recipient, for Awaited::rcpt
  // Its command has been written (the greeting and end of data are due from the start): only
  // then may its reply come. Bytes read beside message data that would answer a command still
  // waiting to be written are a violation, as they always were.
  bool written = true;
};
Stage stage_of(const Expectation& expected) noexcept;

// A recipient's 452 reply, held until the transaction's fate decides what it means.
struct OverQuota {
  std::size_t slot;
  ServerReply reply;
};

// One transaction as it runs. A 452 split makes a further run of the same message.
struct TxRun {
  std::size_t source = 0;          // index into the caller's transactions
  std::vector<std::size_t> slots;  // recipients, as indices into the outcome table
  std::size_t next_rcpt = 0;       // without pipelining: the next RCPT TO to send
  std::size_t rcpt_replies = 0;
  std::vector<std::size_t> accepted;
  std::vector<OverQuota> over_quota;
  bool mail_refused = false;
  bool chunked = false;    // BDAT LAST instead of DATA (RFC 3030)
  bool data_sent = false;  // DATA or BDAT went out with the envelope (pipelined)
  bool rode = false;       // its commands went out behind the previous message's final dot
  // The server answered a ridden command 503 (RFC 2920 §3.1 riding refused, as Haraka does):
  // its replies are read and dropped, and the transaction is sent again on its own.
  bool ride_refused = false;
};

// Commands composed for the wire and not yet handed out as a Write: their bytes and the stage of
// the first (the Write's timeout). A buffer that holds its lines (commands that go after message
// data) keeps their -v form, printed when the data ends rather than when they are composed.
struct CommandBuffer {
  std::string bytes;
  Stage stage = Stage::greeting;
  bool hold_lines = false;
  std::vector<std::string> held_lines;
  bool empty() const noexcept { return bytes.empty(); }
  void clear() noexcept { bytes.clear(); }
};

// Message data on its way: asked for (ReadBody) and stuffed in slices so no more than a few
// blocks are ever held.
struct DataStream {
  message::ContentView content;  // what goes on the wire (content_on_wire)
  std::uint64_t offset = 0;      // bytes of it handed in so far (on_body)
  message::DotStuffer stuffer;
  std::string stuffed;  // stuffed bytes not yet handed to the transport
  bool end_marked = false;
  bool chunked = false;  // BDAT: the bytes go as they are, no dot-stuffing, no final dot
  // Commands that follow the data: QUIT, or the next transaction's MAIL, RCPT and DATA
  // (add_trailer); their -v lines are printed when the data ends. They go in a Write of their
  // own after the final dot, so that the dot's write ends exactly at the dot and a reply seen
  // before it completes is known to be premature.
  CommandBuffer trailer{.hold_lines = true};
  bool exhausted() const noexcept { return end_marked && stuffed.empty(); }
  // A Write can be cut: a whole block is stuffed, or the content has ended.
  bool block_ready(std::size_t block) const noexcept {
    return end_marked || stuffed.size() >= block;
  }
};

// What a settled recipient is told; the slot's address and message index are already known.
struct Fate {
  RecipientStatus status = RecipientStatus::deferred;
  FailureCause cause = FailureCause::temporary;
  bool final = true;
  bool may_duplicate = false;
  Diagnostics diag;
};

enum class Failure { eof, io_error, timeout };

struct Session::Impl {
  Impl(SessionConfig config, std::vector<Transaction> transactions, TranscriptSink* sink);

  // ---- session.cpp: actions and events ----
  Action next_action();
  void on_bytes(std::string_view bytes);
  void on_written();
  void on_failure(Failure failure, std::error_code ec);
  bool reading() const noexcept;
  bool replies_welcome() const noexcept;
  bool write_pending() const noexcept;
  bool writing_message_data() const noexcept;
  void premature_end_of_data_reply(const Reply& reply);
  Write take_write();
  ReadBody body_request() const;
  void on_body(std::string_view bytes);
  void input_failure(std::string detail);
  void transcript(TranscriptKind kind, std::string_view text);
  void transcript_reply(const Reply& reply);

  // ---- session_flow.cpp: the protocol steps ----
  void handle_reply(const Expectation& expected, const Reply& reply);
  void on_greeting(const Reply& reply);
  void on_ehlo(const Reply& reply);
  void on_helo(const Reply& reply);
  void after_greeting_exchange();
  void on_closing_channel(Stage stage, const Reply& reply);
  bool absorb_refused_ride(const Expectation& expected, const Reply& reply);
  void replay_refused_ride();

  // ---- session_tls.cpp: STARTTLS (RFC 3207) under the TLS policy ----
  bool wants_starttls() const noexcept;
  void on_starttls(const Reply& reply);
  void on_tls_established();
  void on_tls_failed(std::error_code ec);
  void bytes_before_handshake(std::size_t count);
  void refuse_for_policy(Errc error, std::string detail, const Reply* reply);

  // ---- session_auth.cpp: SMTP AUTH (RFC 4954) ----
  bool wants_auth() const noexcept;
  void start_auth();
  void on_auth(const Reply& reply);
  void answer_challenge(const Reply& reply);
  void on_authenticated();
  void fail_auth(Errc error, std::string detail, const Reply* reply);
  void cancel_auth(Errc error, std::string detail);
  void settle_auth_failure(Errc error, std::string detail, const Reply* reply);
  void on_rset(const Reply& reply);
  void on_mail(const Reply& reply);
  void on_rcpt(std::size_t slot, const Reply& reply);
  void on_data(const Reply& reply);
  void on_end_of_data(const Reply& reply);
  void after_last_rcpt_reply();
  void start_next_transaction();
  std::optional<TxRun> next_runnable();
  void add_trailer(DataStream& data);
  void ride(TxRun next, DataStream& data);
  void start_transaction(TxRun run);
  void send_envelope(TxRun& run, CommandBuffer& out);
  void send_mail(const TxRun& run, CommandBuffer& out);
  void send_rcpt(TxRun& run, CommandBuffer& out);
  void send_data(TxRun& run, CommandBuffer& out);
  void send_bdat();
  bool chunk_with_envelope(const TxRun& run) const;
  void start_message_data();
  void end_transaction();
  void quit_and_close();
  void send_command(std::string line, Stage stage, std::optional<Expectation> expected);
  // The same, printed in -v as `shown` (an AUTH line with its secret replaced).
  void send_command(std::string_view line, std::string_view shown, Stage stage,
                    std::optional<Expectation> expected);
  // Into `out`: the command buffer, or the trailer of message data.
  void compose(CommandBuffer& out, std::string_view line, std::string_view shown, Stage stage,
               std::optional<Expectation> expected);
  void send_quit();
  bool pipelining() const noexcept;
  std::optional<Fate> refusal_before_mail(const TxRun& run) const;
  const Transaction& transaction(const TxRun& run) const { return transactions_[run.source]; }
  // What goes after DATA or BDAT: the message as it is, or its 7-bit form for a server without
  // 8BITMIME (RFC 6152 §3).
  message::ContentView content_on_wire(const Transaction& t) const noexcept;
  bool sends_raw_eight_bit(const Transaction& t) const noexcept;
  static const std::string& wire_mail_from(const Transaction& t) noexcept {
    return t.wire_mail_from.empty() ? t.mail_from : t.wire_mail_from;
  }
  std::optional<Fate> encoding_refusal(const TxRun& run) const;
  bool utf8_recipient(std::size_t slot) const noexcept;
  Fate smtputf8_refusal() const;
  void refuse_utf8_recipients(TxRun& run);

  // ---- session_fate.cpp: settling recipients ----
  void settle(std::size_t slot, Fate fate);
  void settle_all(const std::vector<std::size_t>& slots, const Fate& fate);
  void settle_unsettled(const Fate& fate);
  Diagnostics diagnostics(Stage stage) const;
  Diagnostics diagnostics(Stage stage, const Reply& reply) const;
  Fate reply_fate(Stage stage, const Reply& reply, FailureCause permanent_cause, bool final) const;
  void violation(std::error_code ec, std::string detail);
  void abandon();
  std::string after_end_of_data_sentence(Failure failure) const;
  std::string failure_sentence(Failure failure, std::error_code ec, bool writing) const;
  void unexpected_reply(Stage stage, const Reply& reply);
  std::string where() const;  // "host[ip]"
  bool final_dot_outstanding() const noexcept;
  SessionOutcome outcome() const;

  SessionConfig config_;
  std::vector<Transaction> transactions_;
  TranscriptSink* sink_;
  Capabilities caps_;
  ReplyParser parser_;

  std::vector<RecipientOutcome> outcomes_;   // one slot per recipient of every transaction
  std::vector<std::string> wire_addresses_;  // per slot: the address as RCPT TO carries it
  std::vector<bool> settled_;
  std::deque<TxRun> queue_;  // transactions not yet started
  std::optional<TxRun> tx_;  // the transaction under way
  // The next transaction, whose commands went out after tx_'s data: it becomes tx_ once tx_'s
  // end of data is answered (add_trailer).
  std::optional<TxRun> riding_;
  std::deque<Expectation> awaited_;
  std::uint64_t replies_completed_ = 0;  // Read::reply: one deadline per awaited reply
  // A server that refused commands riding behind a final dot gets no more of them.
  bool riding_refused_ = false;

  CommandBuffer outgoing_;
  std::optional<DataStream> data_;
  std::optional<Write> in_flight_;  // handed out, on_written() not yet seen
  bool final_dot_handed_out_ = false;
  bool need_rset_ = false;
  bool quit_sent_ = false;
  bool closing_ = false;  // once the writes drain, Close
  bool close_handed_out_ = false;
  Stage last_stage_ = Stage::greeting;  // of the last Write or Read handed out
  bool start_tls_due_ = false;          // 220 to STARTTLS read: StartTls is the next action
  bool tls_active_ = false;             // the handshake succeeded (or implicit TLS)
  std::string tls_failure_;             // SessionOutcome::tls_failure
  std::unique_ptr<SaslClient> sasl_;    // the AUTH exchange under way
  std::optional<SaslLine> pending_initial_response_;  // answers the first, empty 334
  bool authenticated_ = false;
};

}  // namespace smtpsend::smtp
