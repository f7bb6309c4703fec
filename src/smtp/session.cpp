#include "smtpsend/smtp/session.hpp"

#include <algorithm>

#include "session_impl.hpp"
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
    return os << (write->watch_replies ? "\", watching replies}" : "\"}");
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
    : config_(std::move(config)), transactions_(std::move(transactions)), sink_(sink) {
  config_.max_write = std::max<std::size_t>(config_.max_write, 1);
  for (std::size_t t = 0; t < transactions_.size(); ++t) {
    TxRun run;
    run.source = t;
    const Transaction& tx = transactions_[t];
    const bool wire_given = tx.wire_recipients.size() == tx.recipients.size();
    for (std::size_t r = 0; r < tx.recipients.size(); ++r) {
      run.slots.push_back(outcomes_.size());
      RecipientOutcome pending;
      pending.result.message_index = tx.message_index;
      pending.result.address = tx.recipients[r];
      outcomes_.push_back(std::move(pending));
      wire_addresses_.push_back(wire_given ? tx.wire_recipients[r] : tx.recipients[r]);
    }
    queue_.push_back(std::move(run));
  }
  settled_.assign(outcomes_.size(), false);
  // RFC 5321 §3.1: the client speaks only after the server's greeting; RFC 8314 §3.3: on a
  // TLS port the handshake comes first and the greeting is read over TLS.
  awaited_.push_back({Awaited::greeting});
  start_tls_due_ = config_.implicit_tls;
}

// Order matters: pending writes drain before a Close or a Read, so a QUIT queued before the
// Close is sent, and replies are read only once the whole pipelined group is out.
Action Session::Impl::next_action() {
  if (close_handed_out_) return Done{outcome()};
  if (in_flight_) return *in_flight_;
  if (!outgoing_.empty() || (data_ && data_->block_ready(config_.max_write))) {
    in_flight_ = take_write();
    last_stage_ = in_flight_->stage;
    return *in_flight_;
  }
  if (data_) return body_request();
  if (start_tls_due_ && !closing_) {
    last_stage_ = Stage::tls_handshake;
    return StartTls{};
  }
  if (closing_ || awaited_.empty()) {
    // Nothing to send and nothing awaited cannot happen by construction; if it ever did, every
    // recipient not yet settled still gets an outcome rather than a silent "deferred".
    if (!closing_ || std::find(settled_.begin(), settled_.end(), false) != settled_.end()) {
      violation(make_error_code(Errc::internal), "the SMTP session lost its place with " + where());
    }
    close_handed_out_ = true;
    return Close{};
  }
  last_stage_ = stage_of(awaited_.front());
  return Read{last_stage_, replies_completed_};
}

// RFC 2920 §3.1: writes are bounded by max_write so a client blocked writing can never wait on
// a server blocked writing replies.
Write Session::Impl::take_write() {
  const std::size_t limit = config_.max_write;
  if (!outgoing_.empty()) {
    const std::size_t n = std::min(limit, outgoing_.bytes.size());
    Write write{outgoing_.bytes.substr(0, n), outgoing_.stage};
    outgoing_.bytes.erase(0, n);
    return write;
  }
  DataStream& data = *data_;
  Write write{{}, Stage::data_block, true};
  if (data.stuffed.size() <= limit) {
    write.bytes.swap(data.stuffed);  // the usual case: the whole block, without a copy
  } else {
    write.bytes = data.stuffed.substr(0, limit);
    data.stuffed.erase(0, limit);
  }
  if (data.exhausted()) {
    final_dot_handed_out_ = true;
    outgoing_.bytes = std::move(data.trailer.bytes);
    outgoing_.stage = data.trailer.stage;
    data_.reset();
  }
  return write;
}

// Slices are asked for until a block is ready or the content ended. Stuffing at most doubles a
// slice, so what is held stays within a few blocks.
ReadBody Session::Impl::body_request() const {
  const DataStream& data = *data_;
  return ReadBody{data.content, data.offset, config_.max_write - data.stuffed.size()};
}

void Session::Impl::on_body(std::string_view bytes) {
  if (!data_ || data_->end_marked) return;  // not asked for: the attempt ended meanwhile
  DataStream& data = *data_;
  if (bytes.empty()) {
    if (!data.chunked) {
      data.stuffer.finish(data.stuffed);
      transcript(TranscriptKind::client, ".");
    }
    for (const std::string& line : data.trailer.held_lines) {
      transcript(TranscriptKind::client, line);
    }
    data.end_marked = true;
    return;
  }
  data.offset += bytes.size();
  if (data.chunked) {
    data.stuffed.append(bytes);  // BDAT counts octets: sent as they are
  } else {
    data.stuffer.feed(bytes, data.stuffed);
  }
}

// The message could not be read while being sent: no host can be given it now, so every
// recipient not yet settled is deferred and the connection closed without the final dot, so
// the server discards the partial message.
void Session::Impl::input_failure(std::string detail) {
  if (!data_) return;  // not asked for: the attempt ended meanwhile
  Fate fate;
  fate.diag = diagnostics(Stage::data_block);
  fate.diag.error = make_error_code(Errc::input_unreadable);
  fate.diag.detail = std::move(detail) + "; the message was not sent to " + where();
  settle_unsettled(fate);
  abandon();
}

void Session::Impl::on_written() {
  const bool commands = in_flight_ && !in_flight_->watch_replies;
  in_flight_.reset();
  if (commands && outgoing_.empty()) {
    for (Expectation& expected : awaited_) expected.written = true;
  }
}

bool Session::Impl::reading() const noexcept {
  return !closing_ && !in_flight_ && outgoing_.empty() && !data_ && !awaited_.empty() &&
         !start_tls_due_;
}

bool Session::Impl::writing_message_data() const noexcept {
  return data_.has_value() || (in_flight_ && in_flight_->watch_replies);
}

// While message data is written the transport reads too (Write::watch_replies), so bytes may
// come between two writes or before a trailer is out: replies to commands pipelined before a
// BDAT chunk, the reply to a final dot whose write just completed, or an early one. A reply is
// welcome once the command it answers has been written (end of data's from the start).
bool Session::Impl::replies_welcome() const noexcept {
  return !closing_ && !awaited_.empty() && awaited_.front().written;
}

// RFC 5321 §4.1.1.4: the reply to end of data is the server's verdict on the whole message, so
// one that comes before the final dot (or the last BDAT octet, RFC 3030 §2) is fully written
// cannot be about the whole message. A 2xx then proves nothing: the attempt ends without the dot and
// nobody is reported delivered. A 4xx or 5xx (a server refusing mid-body) is that reply's verdict.
void Session::Impl::premature_end_of_data_reply(const Reply& reply) {
  const std::string said = std::to_string(reply.code);
  if (reply.positive()) {
    violation(make_error_code(Errc::reply_before_end_of_data),
              "the server replied " + said + " before the end of the message data (" + where() +
                  ")");
    return;
  }
  settle_all(tx_->accepted,
             reply_fate(Stage::end_of_data, reply, FailureCause::permanent, reply.permanent()));
  Fate rest;
  rest.final = false;
  rest.diag = diagnostics(Stage::data_block);
  rest.diag.error = make_error_code(Errc::reply_before_end_of_data);
  rest.diag.detail = "the connection was closed after " + where() + " refused a message with " +
                     said + " before its end";
  settle_unsettled(rest);
  abandon();
}

bool Session::Impl::write_pending() const noexcept {
  return in_flight_.has_value();
}

void Session::Impl::on_bytes(std::string_view bytes) {
  if (close_handed_out_ || closing_) return;  // e.g. the 221 to a pipelined QUIT
  while (!bytes.empty()) {
    if (start_tls_due_) {
      bytes_before_handshake(bytes.size());
      return;
    }
    if (!replies_welcome()) {
      violation(make_error_code(Errc::unexpected_reply),
                "the server sent data when no reply was due " +
                    std::string(stage_info(last_stage_).sentence) + " (" + where() + ")");
      return;
    }
    // A reply read while message data is written leaves the stage a failure is reported in.
    if (reading()) last_stage_ = stage_of(awaited_.front());
    const ReplyParser::Result result = parser_.feed(bytes);
    bytes.remove_prefix(result.consumed);
    if (result.status == ReplyParser::Status::error) {
      violation(parser_.error(), "the server broke the protocol " +
                                     std::string(stage_info(last_stage_).sentence) + " (" +
                                     where() + "): " + parser_.error().message());
      return;
    }
    if (result.status == ReplyParser::Status::need_more) return;
    const Reply reply = parser_.take();
    ++replies_completed_;
    transcript_reply(reply);
    const Expectation expected = awaited_.front();
    awaited_.pop_front();
    if (expected.what == Awaited::end_of_data && writing_message_data()) {
      premature_end_of_data_reply(reply);
      return;
    }
    handle_reply(expected, reply);
    if (closing_) return;
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
  impl_->on_written();
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
  return impl_->write_pending();
}

}  // namespace smtpsend::smtp
