// The protocol steps of smtp::Session: which command comes next, in the order of RFC 5321
// §4.3.2. What a refusal means (who is deferred, who fails, what is final) is not decided here:
// each reply is judged by the failure policy (../failure_policy.cpp), and the step does what
// the Fate's scope says; the recipient table (parts.cpp) records the verdicts.
#include <algorithm>
#include <utility>

#include "impl.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {
namespace {

bool has_line_break(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// RFC 5321 §4.3.2: DATA alone may be answered 3xx (354); a 2xx to DATA or a 3xx to anything
// else is a reply this command cannot have. AUTH may get either (334 or 235, RFC 4954 §4).
bool plausible(Awaited what, const Reply& reply) {
  const int reply_class = reply.code / 100;
  if (what == Awaited::auth) return true;
  return what == Awaited::data ? reply_class != 2 : reply_class != 3;
}

}  // namespace

bool Session::Impl::pipelining() const noexcept {
  return handshake_.caps.pipelining && config_.settings.use_pipelining;
}

void Session::Impl::handle_reply(const Expectation& expected, const Reply& reply) {
  if (absorb_refused_ride(expected, reply)) return;
  // RFC 5321 §3.8: 421 means the server is closing the channel, whatever it answers.
  if (reply.code == 421) {
    on_closing_channel(stage_of(expected), reply);
    return;
  }
  if (!plausible(expected.what, reply)) {
    unexpected_reply(stage_of(expected), reply);
    return;
  }
  switch (expected.what) {
    case Awaited::greeting:
      on_greeting(reply);
      return;
    case Awaited::ehlo:
      on_ehlo(reply);
      return;
    case Awaited::helo:
      on_helo(reply);
      return;
    case Awaited::starttls:
      on_starttls(reply);
      return;
    case Awaited::auth:
      on_auth(reply);
      return;
    case Awaited::rset:
      on_rset(reply);
      return;
    case Awaited::mail:
      on_mail(reply);
      return;
    case Awaited::rcpt:
      on_rcpt(expected.slot, reply);
      return;
    case Awaited::data:
      on_data(reply);
      return;
    case Awaited::empty_data_end:
      // Nobody was accepted, so whatever the server says about the empty message is moot.
      mail_.need_rset = true;
      end_transaction();
      return;
    case Awaited::end_of_data:
      on_end_of_data(reply);
      return;
  }
}

// RFC 5321 §3.8: after 421 the server closes the connection (the policy makes it this host's
// trouble). QUIT is still sent, unawaited (harmless on a socket the server has closed).
void Session::Impl::on_closing_channel(Stage stage, const Reply& reply) {
  recipients_.settle_as_judged(judge(stage, reply));
  quit_and_close();
}

// RFC 2920 §3.1 lets the next transaction's commands follow the final dot in one group; a
// server that answers them 503 (Haraka: "pipelined after end of DATA") refuses the pipelining,
// not the message. The rest of that group's replies are read and dropped, and once the last
// is in, the transaction is sent again on its own; nothing rides on this connection any more.
bool Session::Impl::absorb_refused_ride(const Expectation& expected, const Reply& reply) {
  const bool ridden_command = expected.what == Awaited::mail || expected.what == Awaited::rcpt ||
                              expected.what == Awaited::data;
  if (!mail_.tx || !mail_.tx->rode || !ridden_command) return false;
  if (!mail_.tx->ride_refused) {
    if (reply.code != 503) return false;
    mail_.tx->ride_refused = true;
    mail_.riding_refused = true;
    transcript(TranscriptKind::info,
               "the server refused commands pipelined after end of data; sending them again");
  }
  if (expected.what == Awaited::rcpt) {
    if (++mail_.tx->rcpt_replies == mail_.tx->slots.size() && !mail_.tx->data_sent)
      replay_refused_ride();
  } else if (expected.what == Awaited::data) {
    if (reply.code / 100 == 3) {
      // An unwanted 354 is ended with an empty message (as in on_data) before the replay.
      send_command(".", Stage::data_block, Expectation{Awaited::empty_data_end});
      TxRun again;
      again.source = mail_.tx->source;
      again.slots = mail_.tx->slots;
      mail_.queue.push_front(std::move(again));
      mail_.tx->slots.clear();
      mail_.need_rset = true;
      return true;
    }
    replay_refused_ride();
  }
  return true;
}

// The refused transaction goes first in the queue, as new; RSET clears whatever part of it the
// server did take (RFC 5321 §4.1.1.5), in the same group as its MAIL.
void Session::Impl::replay_refused_ride() {
  TxRun again;
  again.source = mail_.tx->source;
  again.slots = mail_.tx->slots;
  mail_.queue.push_front(std::move(again));
  mail_.need_rset = true;
  end_transaction();
}

// A refused greeting (RFC 5321 §3.1) ends the connection: QUIT is sent and its 221 not awaited.
void Session::Impl::on_greeting(const Reply& reply) {
  if (reply.positive()) {
    send_command("EHLO " + config_.helo_name, Stage::ehlo, Expectation{Awaited::ehlo});
    return;
  }
  recipients_.settle_as_judged(judge(Stage::greeting, reply));
  quit_and_close();
}

// RFC 5321 §3.2: a server that refuses EHLO with 5xx may still speak plain SMTP; the policy
// says which refusal goes on to HELO (Scope::none).
void Session::Impl::on_ehlo(const Reply& reply) {
  if (reply.positive()) {
    handshake_.caps = Capabilities::from_ehlo(reply);
    after_greeting_exchange();
    return;
  }
  const Settlement verdict = judge(Stage::ehlo, reply);
  if (verdict.fate.scope == Scope::none) {
    send_command("HELO " + config_.helo_name, Stage::helo, Expectation{Awaited::helo});
    return;
  }
  recipients_.settle_as_judged(verdict);
  quit_and_close();
}

void Session::Impl::on_helo(const Reply& reply) {
  if (reply.positive()) {
    handshake_.caps = Capabilities{};
    after_greeting_exchange();
    return;
  }
  recipients_.settle_as_judged(judge(Stage::helo, reply));
  quit_and_close();
}

// EHLO (or HELO) is done: STARTTLS comes first when the policy asks for it (RFC 3207 §4); a
// server without it is judged before MAIL FROM is ever sent (a mandatory policy refuses it);
// then AUTH (RFC 4954 §4: after the EHLO that follows STARTTLS).
void Session::Impl::after_greeting_exchange() {
  if (wants_starttls()) {
    if (handshake_.caps.starttls) {
      send_command("STARTTLS", Stage::starttls, Expectation{Awaited::starttls});
      return;
    }
    const Settlement verdict = judge(Stage::starttls, Failure::tls_unavailable);
    if (verdict.fate.scope != Scope::none) {
      recipients_.settle_as_judged(verdict);
      quit_and_close();
      return;
    }
  }
  if (wants_auth()) {
    start_auth();
    return;
  }
  start_next_transaction();
}

// A refused RSET ends the connection (the policy: this host's trouble).
void Session::Impl::on_rset(const Reply& reply) {
  if (reply.positive()) {
    mail_.need_rset = false;
    if (!pipelining()) send_mail(*mail_.tx, pipeline_.outgoing);
    return;
  }
  recipients_.settle_as_judged(judge(Stage::rset, reply));
  quit_and_close();
}

// A refused MAIL ends the connection when it is the host's trouble; when it is this message's,
// later messages may still pass.
void Session::Impl::on_mail(const Reply& reply) {
  if (reply.positive()) {
    if (!pipelining()) send_rcpt(*mail_.tx, pipeline_.outgoing);
    return;
  }
  const Settlement verdict = judge(Stage::mail, reply);
  recipients_.settle_as_judged(verdict, mail_.tx->slots);
  if (verdict.fate.scope != Scope::transaction) {
    quit_and_close();
    return;
  }
  mail_.tx->mail_refused = true;
  mail_.need_rset = true;
  // With pipelining the RCPT and DATA replies are still on their way and must be read.
  if (!pipelining()) end_transaction();
}

void Session::Impl::on_rcpt(std::size_t slot, const Reply& reply) {
  TxRun& tx = *mail_.tx;
  ++tx.rcpt_replies;
  if (!tx.mail_refused) {
    if (reply.positive()) {
      tx.accepted.push_back(slot);
    } else if (Settlement verdict = judge(Stage::rcpt, reply); verdict.fate.scope == Scope::held) {
      // RFC 5321 §4.5.3.1.10: "too many recipients" asks for a further transaction.
      tx.over_quota.push_back({slot, reply.to_server_reply()});
    } else {
      recipients_.settle(slot, std::move(verdict));
    }
  }
  if (tx.rcpt_replies == tx.slots.size()) {
    after_last_rcpt_reply();
  } else if (!pipelining()) {
    send_rcpt(tx, pipeline_.outgoing);
  }
}

// A 452 moves its recipients to a further transaction only when this one took somebody: if
// nobody was accepted, the server's limit is not the number of recipients, and retrying here
// would loop.
void Session::Impl::after_last_rcpt_reply() {
  TxRun& tx = *mail_.tx;
  if (!tx.mail_refused && !tx.over_quota.empty()) {
    if (tx.accepted.empty() || pipeline_.quit_sent) {
      // Nobody accepted: the limit is not the count. QUIT already rode with a pipelined BDAT:
      // no further transaction on this connection.
      const Failure unsplittable = tx.accepted.empty() ? Failure::recipients_over_limit
                                                       : Failure::recipients_over_limit_after_quit;
      for (const OverQuota& held : tx.over_quota) {
        Settlement verdict = judge(Stage::rcpt, unsplittable);
        verdict.diag.reply = held.reply;
        recipients_.settle(held.slot, std::move(verdict));
      }
    } else {
      TxRun again;
      again.source = tx.source;
      for (const OverQuota& held : tx.over_quota) again.slots.push_back(held.slot);
      mail_.queue.push_front(std::move(again));
    }
  }
  if (pipelining() && tx.data_sent) return;  // DATA or BDAT is out; its reply comes next
  if (tx.accepted.empty()) {
    mail_.need_rset = true;
    end_transaction();
  } else if (tx.chunked) {
    send_bdat();
  } else {
    send_data(tx, pipeline_.outgoing);
  }
}

void Session::Impl::on_data(const Reply& reply) {
  TxRun& tx = *mail_.tx;
  const bool intermediate = reply.code / 100 == 3;
  if (tx.mail_refused || tx.accepted.empty()) {
    // RFC 2920 §3.1: the pipelined DATA left before the RCPT replies were known. A server
    // that still says 354 gets an empty message, which ends its transaction.
    mail_.need_rset = true;
    if (intermediate) {
      send_command(".", Stage::data_block, Expectation{Awaited::empty_data_end});
    } else {
      end_transaction();
    }
    return;
  }
  if (intermediate) {
    start_message_data();
    return;
  }
  recipients_.settle_as_judged(judge(Stage::data, reply), tx.accepted);
  mail_.need_rset = true;
  end_transaction();
}

// RFC 5321 §4.1.1.4: only the reply to the final dot says whether the message was taken; a
// completed transaction, whatever its result, needs no RSET (§4.1.1.5).
void Session::Impl::on_end_of_data(const Reply& reply) {
  recipients_.settle_as_judged(judge(Stage::end_of_data, reply), mail_.tx->accepted);
  pipeline_.final_dot_handed_out = false;
  end_transaction();
}

// A transaction whose commands rode after the previous data is already under way.
void Session::Impl::end_transaction() {
  mail_.tx = std::exchange(mail_.riding, std::nullopt);
  if (!mail_.tx) start_next_transaction();
}

void Session::Impl::start_next_transaction() {
  if (std::optional<TxRun> run = next_runnable()) {
    start_transaction(std::move(*run));
  } else if (pipeline_.quit_sent) {
    pipeline_.closing = true;
  } else {
    quit_and_close();
  }
}

// The next queued transaction that can be sent here; those that cannot (no recipient left, a
// message this server cannot take) are settled on the way.
std::optional<TxRun> Session::Impl::next_runnable() {
  while (!mail_.queue.empty()) {
    TxRun run = std::move(mail_.queue.front());
    mail_.queue.pop_front();
    if (run.slots.empty()) continue;
    refuse_utf8_recipients(run);
    if (run.slots.empty()) continue;
    if (std::optional<Settlement> refusal = refusal_before_mail(run)) {
      recipients_.settle_as_judged(*refusal, run.slots);
      continue;
    }
    return run;
  }
  return std::nullopt;
}

// What follows the data in its write. Postfix's smtp_skip_quit_resp: when nothing else is to
// be sent, QUIT, whose 221 tells nothing. Otherwise the next transaction: RFC 2920 §3.1 lets
// the message content open a group, so MAIL, RCPT and DATA ride with the final dot, and each
// further message costs one round trip, not two. A next message small enough for BDAT with its
// envelope waits for this one's reply instead: it goes out in one write then anyway.
void Session::Impl::add_trailer(DataStream& data) {
  std::optional<TxRun> next = next_runnable();
  if (mail_.riding_refused) {
    // QUIT waits for the reply too: such a server would answer it 503 as well.
    if (next) mail_.queue.push_front(std::move(*next));
  } else if (!next) {
    compose(data.trailer, "QUIT", "QUIT", Stage::quit, std::nullopt);
    pipeline_.quit_sent = true;
  } else if (config_.settings.use_chunking && handshake_.caps.chunking &&
             chunk_with_envelope(*next)) {
    mail_.queue.push_front(std::move(*next));
  } else {
    ride(std::move(*next), data);
  }
}

// `next`'s commands go into the trailer, behind this data's final dot, and their replies are
// awaited after its end of data; the transaction under way stays so until that reply.
// A next message that BDAT could carry with its envelope never rides (add_trailer), so no
// message data starts here.
void Session::Impl::ride(TxRun next, DataStream& data) {
  mail_.riding = std::move(next);
  mail_.riding->rode = true;
  mail_.riding->chunked = config_.settings.use_chunking && handshake_.caps.chunking;
  send_envelope(*mail_.riding, data.trailer);
}

// RFC 2920 §3.1: with PIPELINING, RSET, MAIL, every RCPT and DATA go out as one group (DATA
// last, as it may change state); replies are then read in order.
void Session::Impl::start_transaction(TxRun run) {
  mail_.tx = std::move(run);
  mail_.tx->chunked = config_.settings.use_chunking && handshake_.caps.chunking;
  if (!pipelining()) {
    if (mail_.need_rset) {
      send_command("RSET", Stage::rset, Expectation{Awaited::rset});
    } else {
      send_mail(*mail_.tx, pipeline_.outgoing);
    }
    return;
  }
  send_envelope(*mail_.tx, pipeline_.outgoing);
  if (mail_.tx->chunked && chunk_with_envelope(*mail_.tx)) send_bdat();
  // Otherwise BDAT waits for the RCPT replies: a large message is never sent to nobody.
}

// The pipelined group that opens `run`, into `out`; DATA last unless BDAT is to carry the
// message (RFC 3030 §4.2).
void Session::Impl::send_envelope(TxRun& run, CommandBuffer& out) {
  if (mail_.need_rset) compose(out, "RSET", "RSET", Stage::rset, Expectation{Awaited::rset});
  send_mail(run, out);
  while (run.next_rcpt < run.slots.size()) send_rcpt(run, out);
  if (!run.chunked) send_data(run, out);
}

// RFC 3030 §4.2 lets BDAT be pipelined with the envelope; the message then goes out before the
// RCPT replies are known, so only when it is small (one write) and the recipient count is
// within what every server must accept (RFC 5321 §4.5.3.1.8: 100), so a 452 split is unlikely.
bool Session::Impl::chunk_with_envelope(const TxRun& run) const {
  constexpr std::size_t kRecipientsEveryServerTakes = 100;
  return content_on_wire(transaction(run)).size() <= config_.settings.max_write &&
         run.slots.size() <= kRecipientsEveryServerTakes;
}

void Session::Impl::send_mail(const TxRun& run, CommandBuffer& out) {
  const Transaction& t = transaction(run);
  std::string line = "MAIL FROM:<" + wire_mail_from(t) + ">";
  // RFC 1870 §3: declare the size so an oversized message is refused before it is sent.
  if (handshake_.caps.size) line += " SIZE=" + std::to_string(content_on_wire(t).size());
  // RFC 6152 §2: 8-bit content must be declared; without 8BITMIME the 7-bit form goes instead.
  if (sends_raw_eight_bit(t)) line += " BODY=8BITMIME";
  // RFC 6531 §3.4: SMTPUTF8 only when needed; encoding_refusal() and
  // refuse_utf8_recipients() checked it is offered.
  if (t.needs_smtputf8 || std::any_of(run.slots.begin(), run.slots.end(),
                                      [this](std::size_t slot) { return utf8_recipient(slot); })) {
    line += " SMTPUTF8";
  }
  // RFC 3461 §4: DSN parameters only to a server that offered DSN; otherwise they are left
  // out and the server's own notification policy applies (as Postfix's client does).
  if (handshake_.caps.dsn) line += dsn_mail_parameters(t.parameters.dsn);
  compose(out, line, line, Stage::mail, Expectation{Awaited::mail});
}

void Session::Impl::send_rcpt(TxRun& run, CommandBuffer& out) {
  const std::size_t slot = run.slots[run.next_rcpt++];
  const std::string dsn =
      handshake_.caps.dsn ? dsn_rcpt_parameters(transaction(run).parameters.dsn) : std::string();
  const std::string line = "RCPT TO:<" + recipients_.wire_address(slot) + ">" + dsn;
  compose(out, line, line, Stage::rcpt, Expectation{Awaited::rcpt, slot});
}

void Session::Impl::send_data(TxRun& run, CommandBuffer& out) {
  run.data_sent = true;
  compose(out, "DATA", "DATA", Stage::data, Expectation{Awaited::data});
}

// RFC 3030 §2: one chunk carrying the whole message, exactly its octets (canonical CRLF already,
// no dot-stuffing, no terminating dot); its reply is the transaction's result.
void Session::Impl::send_bdat() {
  mail_.tx->data_sent = true;
  send_command("BDAT " + std::to_string(content_on_wire(transaction(*mail_.tx)).size()) + " LAST",
               Stage::data_block, std::nullopt);
  start_message_data();
}

void Session::Impl::start_message_data() {
  const message::ContentView content = content_on_wire(transaction(*mail_.tx));
  transcript(TranscriptKind::info,
             "<message data: " + std::to_string(content.size()) + " bytes" +
                 (content == transaction(*mail_.tx).content ? ">" : ", converted to 7 bits>"));
  DataStream data;
  data.content = content;
  data.chunked = mail_.tx->chunked;
  pipeline_.awaited.push_back(Expectation{Awaited::end_of_data});
  if (pipelining()) add_trailer(data);
  pipeline_.data = std::move(data);
}

// QUIT's 221 is never awaited (docs/decisions.md): everything is settled by now.
void Session::Impl::quit_and_close() {
  // A QUIT in the middle of message data would be data (or BDAT octets): just close.
  if (pipeline_.writing_message_data()) {
    abandon();
    return;
  }
  pipeline_.awaited.clear();
  pipeline_.data.reset();
  pipeline_.outgoing.clear();
  send_quit();
}

// QUIT after whatever is already queued.
void Session::Impl::send_quit() {
  send_command("QUIT", Stage::quit, std::nullopt);
  pipeline_.quit_sent = true;
  pipeline_.closing = true;
}

void Session::Impl::send_command(std::string line, Stage stage,
                                 std::optional<Expectation> expected) {
  send_command(line, line, stage, expected);
}

void Session::Impl::send_command(std::string_view line, std::string_view shown, Stage stage,
                                 std::optional<Expectation> expected) {
  compose(pipeline_.outgoing, line, shown, stage, expected);
}

void Session::Impl::compose(CommandBuffer& out, std::string_view line, std::string_view shown,
                            Stage stage, std::optional<Expectation> expected) {
  if (out.hold_lines) {
    out.held_lines.emplace_back(shown);
  } else {
    transcript(TranscriptKind::client, shown);
  }
  if (out.empty()) out.stage = stage;
  // An AUTH line printed otherwise than it is sent carries a credential (sasl/wire.cpp).
  out.append_line(line, line != shown);
  if (expected) {
    pipeline_.awaited.push_back(*expected);
    pipeline_.awaited.back().written = false;
  }
}

// Messages this server cannot take as they are fail here, before MAIL FROM, rather than after
// the whole message has been sent.
std::optional<Settlement> Session::Impl::refusal_before_mail(const TxRun& run) const {
  const Transaction& t = transaction(run);
  // An envelope address is put into a command line as it is; a line break in it would let the
  // caller's data end the command early.
  const bool broken = has_line_break(wire_mail_from(t)) ||
                      std::any_of(run.slots.begin(), run.slots.end(), [this](std::size_t slot) {
                        return has_line_break(recipients_.wire_address(slot));
                      });
  if (broken) return judge_before_mail(Failure::envelope_line_break);
  if (std::optional<Settlement> refusal = encoding_refusal(run)) return refusal;
  const std::size_t size = content_on_wire(t).size();
  if (handshake_.caps.size && *handshake_.caps.size > 0 && size > *handshake_.caps.size) {
    return judge_before_mail(Failure::message_too_large,
                             "message of " + std::to_string(size) + " bytes exceeds the limit of " +
                                 std::to_string(*handshake_.caps.size) + " bytes");
  }
  return std::nullopt;
}

}  // namespace smtpsend::smtp
