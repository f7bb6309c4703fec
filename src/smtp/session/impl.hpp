// smtp/session/impl: the private state of smtp::Session, shared by its source files.
//
// The state is four parts, each with its invariants written beside it; Session::Impl composes
// them with the caller's inputs (config, transactions, transcript sink) and holds the protocol
// steps:
//   Handshake       what the connection established before mail: capabilities, TLS, AUTH
//   Pipeline        the wire: composed commands, the Write out, message data, awaited replies
//   Transactions    the mail transactions: queued, under way, riding behind a final dot
//   RecipientTable  one outcome per recipient of every transaction, each settled once
//
// session.cpp   the public API: actions out, events in
// parts.cpp     the parts' own mechanics: cutting Writes, stuffing data, settling slots
// flow.cpp      which command comes next, and what each reply means (RFC 5321 §4.3.2)
// tls.cpp       STARTTLS under the TLS policy (RFC 3207)
// auth.cpp      SMTP AUTH (RFC 4954); the mechanisms are ../sasl/
// encoding.cpp  8BITMIME, the 7-bit form and SMTPUTF8 (RFC 6152, RFC 6531)
// fate.cpp      failures: the failure policy's verdict (../failure_policy.cpp, classify())
//               with its diagnostics; abandoning the connection
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/message/dot_stuffer.hpp"
#include "smtpsend/smtp/failure_policy.hpp"
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
// A buffer that took an AUTH line with a credential (`secret`) is wiped, not just emptied, once
// those bytes are handed out (issue 10: no credential left behind in the heap or a core dump).
struct CommandBuffer {
  std::string bytes;
  Stage stage = Stage::greeting;
  bool hold_lines = false;
  bool secret = false;
  std::vector<std::string> held_lines;
  bool empty() const noexcept { return bytes.empty(); }
  void append_line(std::string_view line, bool secret_line);
  // The first n bytes are handed out in a Write.
  std::string take_front(std::size_t n);
  void clear() noexcept {
    if (secret) wipe(bytes);
    secret = false;
    bytes.clear();
    held_lines.clear();
  }
  static CommandBuffer holding_lines() {
    CommandBuffer buffer;
    buffer.hold_lines = true;
    return buffer;
  }
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
  CommandBuffer trailer = CommandBuffer::holding_lines();
  bool exhausted() const noexcept { return end_marked && stuffed.empty(); }
  // A Write can be cut: a whole block is stuffed, or the content has ended.
  bool block_ready(std::size_t block) const noexcept {
    return end_marked || stuffed.size() >= block;
  }
  void take(std::string_view bytes);  // the next slice of the content
  void end();                         // the content ended: the final dot, unless BDAT
};

// What a settled recipient is told: the failure policy's verdict (failure_policy.hpp) and what
// the report quotes. The slot's address and message index are already known.
struct Settlement {
  Fate fate;
  Diagnostics diag;
};

// What this connection established before any mail transaction (RFC 5321 §4.1.1.1, RFC 3207,
// RFC 4954).
// Invariants: `caps` is what the latest EHLO said, emptied by STARTTLS (RFC 3207 §4.2) and by
// the HELO fallback; start_tls_due and tls_active never hold together (the handshake is due
// or done); `sasl` is set only while an AUTH exchange is under way, so never once
// `authenticated`.
struct Handshake {
  Capabilities caps;
  bool start_tls_due = false;        // 220 to STARTTLS read (or implicit TLS): StartTls is next
  bool tls_active = false;           // the handshake succeeded (or implicit TLS)
  std::string tls_failure;           // SessionOutcome::tls_failure
  std::unique_ptr<SaslClient> sasl;  // the AUTH exchange under way
  std::optional<SaslLine> pending_initial_response;  // answers the first, empty 334
  bool authenticated = false;
};

// The wire, both ways: commands composed and not yet written, message data on its way, the one
// Write handed out, and the replies awaited in the order of their commands (RFC 2920 §3.1).
// Invariants: at most one Write is out (in_flight), and nothing else is handed out while it
// is; commands go before message data, and never in the same Write as it (the final dot's
// Write ends at the dot); an awaited reply is `written` only once every byte before it was;
// `closing` means nothing more is read, only what is composed is still written; after
// close_handed_out nothing changes.
struct Pipeline {
  ReplyParser parser;
  std::deque<Expectation> awaited;
  std::uint64_t replies_completed = 0;  // Read::reply: one deadline per awaited reply
  CommandBuffer outgoing;
  std::optional<DataStream> data;
  std::optional<Write> in_flight;  // handed out, on_written() not yet seen
  bool final_dot_handed_out = false;
  bool quit_sent = false;
  bool closing = false;  // once the writes drain, Close
  bool close_handed_out = false;
  Stage last_stage = Stage::greeting;  // of the last Write or Read handed out

  Pipeline() = default;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  // Commands first; then a block of message data (data->block_ready).
  Write take_write(std::size_t max_write);
  ReadBody body_request(std::size_t max_write) const;
  void on_written();
  // The Write handed out is answered (written, failed or given up): forgotten, wiped if secret.
  void drop_in_flight() noexcept;
  bool replies_welcome() const noexcept;
  bool writing_message_data() const noexcept;
  // Nothing more is sent or read on this connection: the transport gets Close next.
  void stop();
};

// The mail transactions of this connection: queued, the one under way (`tx`), and the next one
// riding behind tx's final dot (RFC 2920 §3.1).
// Invariants: a ride exists only behind a transaction under way (riding implies tx); once
// the server refused riding (riding_refused), nothing rides again on this connection.
struct Transactions {
  std::deque<TxRun> queue;  // not yet started
  std::optional<TxRun> tx;
  // The next transaction, whose commands went out after tx's data: it becomes tx once tx's end
  // of data is answered (add_trailer).
  std::optional<TxRun> riding;
  bool need_rset = false;
  // A server that refused commands riding behind a final dot gets no more of them.
  bool riding_refused = false;
};

// One outcome per recipient of every transaction (a "slot"), in the caller's order, and the
// address RCPT TO gives it.
// Invariants: every slot has an outcome and a wire address; the first verdict on a slot
// stands (a later, vaguer failure must not overwrite it); a final verdict is told to the
// progress sink once, when it is made.
class RecipientTable {
 public:
  explicit RecipientTable(ProgressSink* progress) : progress_(progress) {}
  std::size_t add(std::size_t message_index, std::string address, std::string wire_address);
  void settle(std::size_t slot, Settlement settlement);
  // The slots a verdict covers follow from its Fate's scope (failure_policy.hpp), here and
  // nowhere else: a transaction's verdict, the `transaction` slots the caller names (those
  // accepted after RCPT, all of them before); a host's or destination's, every slot not yet
  // settled. A recipient's or a held verdict names its slot (settle()). Where no transaction
  // is named, any verdict but `none` covers every slot not yet settled, so none is left
  // without one.
  void settle_as_judged(const Settlement& settlement, std::span<const std::size_t> transaction);
  void settle_as_judged(const Settlement& settlement);
  bool all_settled() const noexcept;
  const std::string& wire_address(std::size_t slot) const { return wire_addresses_[slot]; }
  const std::vector<RecipientOutcome>& outcomes() const noexcept { return outcomes_; }

 private:
  ProgressSink* progress_;
  std::vector<RecipientOutcome> outcomes_;
  std::vector<std::string> wire_addresses_;
  std::vector<bool> settled_;
};

struct Session::Impl {
  Impl(SessionConfig config, std::vector<Transaction> transactions, TranscriptSink* sink);

  // ---- session.cpp: actions and events ----
  Action next_action();
  // What the Write ending `run`'s message data commits (EndOfData).
  EndOfData end_of_data(const TxRun& run) const;
  void on_bytes(std::string_view bytes);
  void on_failure(Failure failure, std::error_code ec);
  bool reading() const noexcept;
  void premature_end_of_data_reply(const Reply& reply);
  void on_body(std::string_view bytes);
  void input_failure(std::string detail);
  void transcript(TranscriptKind kind, std::string_view text);
  void transcript_reply(const Reply& reply);

  // ---- flow.cpp: the protocol steps ----
  void handle_reply(const Expectation& expected, const Reply& reply);
  void on_greeting(const Reply& reply);
  void on_ehlo(const Reply& reply);
  void on_helo(const Reply& reply);
  void after_greeting_exchange();
  void on_closing_channel(Stage stage, const Reply& reply);
  bool absorb_refused_ride(const Expectation& expected, const Reply& reply);
  void replay_refused_ride();

  // ---- tls.cpp: STARTTLS (RFC 3207) under the TLS policy ----
  bool wants_starttls() const noexcept;
  void on_starttls(const Reply& reply);
  void on_tls_established();
  void on_tls_failed(std::error_code ec);
  void bytes_before_handshake(std::size_t count);

  // ---- auth.cpp: SMTP AUTH (RFC 4954) ----
  bool wants_auth() const noexcept;
  void start_auth();
  void on_auth(const Reply& reply);
  void answer_challenge(const Reply& reply);
  void on_authenticated();
  void fail_auth(Errc error, std::string detail);
  void cancel_auth(Errc error, std::string detail);
  void settle_auth_failure(const Settlement& settlement);

  // ---- flow.cpp: mail transactions (RFC 5321 §4.1.1.2-5, RFC 2920, RFC 3030) ----
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
  std::optional<Settlement> refusal_before_mail(const TxRun& run) const;
  const Transaction& transaction(const TxRun& run) const { return transactions_[run.source]; }

  // ---- encoding.cpp: 8BITMIME, the 7-bit form, SMTPUTF8 (RFC 6152, RFC 6531) ----
  // What goes after DATA or BDAT: the message as it is, or its 7-bit form for a server without
  // 8BITMIME (RFC 6152 §3).
  message::ContentView content_on_wire(const Transaction& t) const noexcept;
  bool sends_raw_eight_bit(const Transaction& t) const noexcept;
  static const std::string& wire_mail_from(const Transaction& t) noexcept {
    return t.wire_mail_from.empty() ? t.mail_from : t.wire_mail_from;
  }
  std::optional<Settlement> encoding_refusal(const TxRun& run) const;
  bool utf8_recipient(std::size_t slot) const noexcept;
  void refuse_utf8_recipients(TxRun& run);

  // ---- fate.cpp: failures and the outcome ----
  Diagnostics diagnostics(Stage stage) const;
  Diagnostics diagnostics(Stage stage, const Reply& reply) const;
  // The failure policy asked (classify()), its sentence filled in: for a reply, quoted; for a
  // failure at a stage; for a message refused before MAIL FROM (no stage).
  Settlement judge(Stage stage, const Reply& reply) const;
  Settlement judge(Stage stage, Failure failure, std::error_code ec = {},
                   std::string_view detail = {}) const;
  Settlement judge_before_mail(Failure failure, std::string_view detail = {}) const;
  Settlement settlement(const Fate& fate, Diagnostics diag, Stage stage, std::error_code ec,
                        std::string_view detail) const;
  void violation(std::error_code ec, std::string detail);
  void abandon();
  void unexpected_reply(Stage stage, const Reply& reply);
  std::string where() const;  // "host[ip]"
  bool final_dot_outstanding() const noexcept;
  SessionOutcome outcome() const;

  SessionConfig config_;
  std::vector<Transaction> transactions_;
  TranscriptSink* sink_;
  Handshake handshake_;
  Pipeline pipeline_;
  Transactions mail_;
  RecipientTable recipients_;
};

}  // namespace smtpsend::smtp
