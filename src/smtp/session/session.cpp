#include "smtpsend/smtp/session.hpp"

#include <algorithm>
#include <cassert>

#include "impl.hpp"
#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {
namespace {

// Test failures print actions; data blocks can be long, so only their start is shown.
constexpr std::size_t kPrintedBytes = 160;

void print_escaped(std::ostream& os, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : bytes.substr(0, kPrintedBytes)) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r')
      os << "\\r";
    else if (c == '\n')
      os << "\\n";
    else if (c == '"' || c == '\\')
      os << '\\' << c;
    else if (u < 0x20 || u >= 0x7f)
      os << "\\x" << kHex[u >> 4] << kHex[u & 0xf];
    else
      os << c;
  }
  if (bytes.size() > kPrintedBytes) os << "...(" << bytes.size() << " bytes)";
}

void print_outcome(std::ostream& os, const RecipientOutcome& r) {
  const RecipientResult& result = r.result;
  os << "\n  [" << result.message_index << "] " << result.address << ' ' << to_string(result.status)
     << " cause=" << to_string(result.cause) << (r.final ? " final" : " not-final")
     << (result.may_duplicate ? " may_duplicate" : "");
  if (result.diag.reply) {
    os << " reply=" << result.diag.reply->code << ' ' << result.diag.reply->enhanced << " \""
       << result.diag.reply->text << '"';
  }
  if (result.diag.error) os << " error=" << result.diag.error.message();
  if (!result.diag.detail.empty()) os << " detail=\"" << result.diag.detail << '"';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Action& action) {
  if (const auto* write = std::get_if<Write>(&action)) {
    os << "Write{" << write->stage << ", \"";
    print_escaped(os, write->bytes);
    os << (write->watch_replies ? "\", watching replies" : "\"");
    if (write->ends_data) {
      os << ", ends data of message " << write->ends_data->message_index << " for";
      for (const std::string& r : write->ends_data->recipients) os << ' ' << r;
    }
    return os << '}';
  }
  if (const auto* read = std::get_if<Read>(&action)) {
    return os << "Read{" << read->stage << ", reply " << read->reply << '}';
  }
  if (const auto* body = std::get_if<ReadBody>(&action)) {
    return os << "ReadBody{" << body->content.size() << " bytes, from " << body->offset
              << ", up to " << body->max << '}';
  }
  if (std::holds_alternative<StartTls>(action)) return os << "StartTls{}";
  if (std::holds_alternative<Close>(action)) return os << "Close{}";
  const auto& done = std::get<Done>(action);
  os << "Done{" << done.outcome.recipients.size() << " recipients";
  for (const RecipientOutcome& r : done.outcome.recipients) print_outcome(os, r);
  return os << '}';
}

Session::Impl::Impl(SessionConfig config, std::vector<Transaction> transactions,
                    TranscriptSink* sink)
    : config_(std::move(config)),
      transactions_(std::move(transactions)),
      sink_(sink),
      recipients_(config_.settings.progress) {
  config_.settings.max_write = std::max<std::size_t>(config_.settings.max_write, 1);
  for (std::size_t t = 0; t < transactions_.size(); ++t) {
    TxRun run;
    run.source = t;
    const Transaction& tx = transactions_[t];
    const bool wire_given = tx.wire_recipients.size() == tx.recipients.size();
    for (std::size_t r = 0; r < tx.recipients.size(); ++r) {
      run.slots.push_back(recipients_.add(tx.message_index, tx.recipients[r],
                                          wire_given ? tx.wire_recipients[r] : tx.recipients[r]));
    }
    mail_.queue.push_back(std::move(run));
  }
  // RFC 5321 §3.1: the client speaks only after the server's greeting; RFC 8314 §3.3: on a
  // TLS port the handshake comes first and the greeting is read over TLS.
  pipeline_.awaited.push_back({Awaited::greeting});
  handshake_.start_tls_due = config_.implicit_tls;
}

// Order matters: pending writes drain before a Close or a Read, so a QUIT queued before the
// Close is sent, and replies are read only once the whole pipelined group is out.
EndOfData Session::Impl::end_of_data(const TxRun& run) const {
  EndOfData end{transaction(run).message_index, {}};
  for (const std::size_t slot : run.accepted) {
    end.recipients.push_back(recipients_.outcomes()[slot].result.address);
  }
  for (std::size_t i = run.rcpt_replies; i < run.slots.size(); ++i) {
    end.recipients.push_back(recipients_.outcomes()[run.slots[i]].result.address);
  }
  return end;
}

Action Session::Impl::next_action() {
  if (pipeline_.close_handed_out) return Done{outcome()};
  if (pipeline_.in_flight) return *pipeline_.in_flight;
  assert(!(handshake_.start_tls_due && handshake_.tls_active));
  assert(!mail_.riding || mail_.tx);
  const std::size_t block = config_.settings.max_write;
  if (!pipeline_.outgoing.empty() || (pipeline_.data && pipeline_.data->block_ready(block))) {
    const bool dot_was_out = pipeline_.final_dot_handed_out;
    pipeline_.in_flight = pipeline_.take_write(block);
    pipeline_.last_stage = pipeline_.in_flight->stage;
    if (!dot_was_out && pipeline_.final_dot_handed_out && mail_.tx) {
      pipeline_.in_flight->ends_data = end_of_data(*mail_.tx);
    }
    return *pipeline_.in_flight;
  }
  if (pipeline_.data) return pipeline_.body_request(block);
  if (handshake_.start_tls_due && !pipeline_.closing) {
    pipeline_.last_stage = Stage::tls_handshake;
    return StartTls{};
  }
  if (pipeline_.closing || pipeline_.awaited.empty()) {
    // Nothing to send and nothing awaited cannot happen by construction; if it ever did, every
    // recipient not yet settled still gets an outcome rather than a silent "deferred".
    if (!pipeline_.closing || !recipients_.all_settled()) {
      violation(make_error_code(Errc::internal), "the SMTP session lost its place with " + where());
    }
    pipeline_.close_handed_out = true;
    return Close{};
  }
  pipeline_.last_stage = stage_of(pipeline_.awaited.front());
  return Read{pipeline_.last_stage, pipeline_.replies_completed};
}

void Session::Impl::on_body(std::string_view bytes) {
  DataStream* data = pipeline_.data ? &*pipeline_.data : nullptr;
  if (data == nullptr || data->end_marked) return;  // not asked for: the attempt ended meanwhile
  if (!bytes.empty()) {
    data->take(bytes);
    return;
  }
  data->end();
  if (!data->chunked) transcript(TranscriptKind::client, ".");
  for (const std::string& line : data->trailer.held_lines) {
    transcript(TranscriptKind::client, line);
  }
}

// The message could not be read while being sent: no host can be given it now, so every
// recipient not yet settled is deferred and the connection closed without the final dot, so
// the server discards the partial message.
void Session::Impl::input_failure(std::string detail) {
  if (!pipeline_.data) return;  // not asked for: the attempt ended meanwhile
  recipients_.settle_as_judged(judge(Stage::data_block, Failure::input_unreadable, {}, detail));
  abandon();
}

bool Session::Impl::reading() const noexcept {
  const Pipeline& p = pipeline_;
  return !p.closing && !p.in_flight && p.outgoing.empty() && !p.data && !p.awaited.empty() &&
         !handshake_.start_tls_due;
}

// RFC 5321 §4.1.1.4: the reply to end of data is the server's verdict on the whole message, so
// one that comes before the final dot (or the last BDAT octet, RFC 3030 §2) is fully written
// cannot be about the whole message. A 2xx then proves nothing: the attempt ends without the dot
// and nobody is reported delivered. A 4xx or 5xx (a server refusing mid-body) is that reply's
// verdict: failure_policy.cpp judges it at Stage::data_block, the report says "after end of data".
void Session::Impl::premature_end_of_data_reply(const Reply& reply) {
  const std::string said = std::to_string(reply.code);
  const Fate fate = classify(Stage::data_block, reply, config_.tls);
  if (fate.cause == FailureCause::protocol) {
    violation(
        make_error_code(Errc::reply_before_end_of_data),
        "the server replied " + said + " before the end of the message data (" + where() + ")");
    return;
  }
  recipients_.settle_as_judged(
      settlement(fate, diagnostics(Stage::end_of_data, reply), Stage::end_of_data, {}, {}),
      mail_.tx->accepted);
  recipients_.settle_as_judged(judge(Stage::data_block, Failure::refused_before_end, {}, said));
  abandon();
}

void Session::Impl::on_bytes(std::string_view bytes) {
  if (pipeline_.close_handed_out || pipeline_.closing) return;  // e.g. the 221 to a pipelined QUIT
  while (!bytes.empty()) {
    if (handshake_.start_tls_due) {
      bytes_before_handshake(bytes.size());
      return;
    }
    if (!pipeline_.replies_welcome()) {
      violation(make_error_code(Errc::unexpected_reply),
                "the server sent data when no reply was due " +
                    std::string(stage_info(pipeline_.last_stage).sentence) + " (" + where() + ")");
      return;
    }
    // A reply read while message data is written leaves the stage a failure is reported in.
    if (reading()) pipeline_.last_stage = stage_of(pipeline_.awaited.front());
    const ReplyParser::Result result = pipeline_.parser.feed(bytes);
    bytes.remove_prefix(result.consumed);
    if (result.status == ReplyParser::Status::error) {
      violation(pipeline_.parser.error(),
                "the server broke the protocol " +
                    std::string(stage_info(pipeline_.last_stage).sentence) + " (" + where() +
                    "): " + pipeline_.parser.error().message());
      return;
    }
    if (result.status == ReplyParser::Status::need_more) return;
    const Reply reply = pipeline_.parser.take();
    ++pipeline_.replies_completed;
    transcript_reply(reply);
    const Expectation expected = pipeline_.awaited.front();
    pipeline_.awaited.pop_front();
    if (expected.what == Awaited::end_of_data && pipeline_.writing_message_data()) {
      premature_end_of_data_reply(reply);
      return;
    }
    handle_reply(expected, reply);
    if (pipeline_.closing) return;
  }
}

void Session::Impl::transcript(TranscriptKind kind, std::string_view text) {
  if (sink_ != nullptr) sink_->line(config_.peer.host, kind, text);
}

// The parser keeps only each line's text; the raw "250-..." form is rebuilt for -v.
void Session::Impl::transcript_reply(const Reply& reply) {
  if (sink_ == nullptr) return;
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    const bool last = i + 1 == reply.lines.size();
    std::string line = std::to_string(reply.code);
    if (!last || !reply.lines[i].empty()) line += (last ? ' ' : '-') + reply.lines[i];
    sink_->line(config_.peer.host, TranscriptKind::server, line);
  }
}

Stage stage_of(const Expectation& expected) noexcept {
  switch (expected.what) {
    case Awaited::greeting:
      return Stage::greeting;
    case Awaited::ehlo:
      return Stage::ehlo;
    case Awaited::helo:
      return Stage::helo;
    case Awaited::starttls:
      return Stage::starttls;
    case Awaited::auth:
      return Stage::auth;
    case Awaited::rset:
      return Stage::rset;
    case Awaited::mail:
      return Stage::mail;
    case Awaited::rcpt:
      return Stage::rcpt;
    case Awaited::data:
      return Stage::data;
    case Awaited::empty_data_end:
    case Awaited::end_of_data:
      return Stage::end_of_data;
  }
  return Stage::end_of_data;
}

// ---- the public face: forwards to Impl ----

Session::Session(SessionConfig config, std::vector<Transaction> transactions, TranscriptSink* sink)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(transactions), sink)) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Action Session::next_action() {
  return impl_->next_action();
}
void Session::on_bytes(std::string_view bytes) {
  impl_->on_bytes(bytes);
}
void Session::on_written() {
  impl_->pipeline_.on_written();
}
void Session::on_body(std::string_view bytes) {
  impl_->on_body(bytes);
}
void Session::on_body_failed(std::string sentence) {
  impl_->input_failure(std::move(sentence));
}
// The peer description is the transport's to print (-vv); the session only needs the fact.
void Session::on_tls_established(std::string_view) {
  impl_->on_tls_established();
}
void Session::on_tls_failed(std::error_code ec) {
  impl_->on_tls_failed(ec);
}
void Session::on_eof() {
  impl_->on_failure(Failure::eof, make_error_code(Errc::connection_closed));
}
void Session::on_io_error(std::error_code ec) {
  impl_->on_failure(Failure::io_error, ec);
}
void Session::on_timeout() {
  impl_->on_failure(Failure::timeout, make_error_code(Errc::stage_timeout));
}
bool Session::write_pending() const noexcept {
  return impl_->pipeline_.in_flight.has_value();
}

}  // namespace smtpsend::smtp
