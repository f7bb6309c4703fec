#include "support/session_script.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::smtp {

void PrintTo(const Action& action, std::ostream* os) {
  *os << action;
}
void PrintTo(const Write& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const Read& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const ReadBody& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const StartTls& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const Close& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const Done& action, std::ostream* os) {
  *os << Action{action};
}
void PrintTo(const RecipientOutcome& outcome, std::ostream* os) {
  *os << Action{Done{SessionOutcome{{outcome}, {}}}};
}

namespace testing {
namespace {

using StepKind = SessionScript::StepKind;

enum class Injected { eof, io_error, timeout };
constexpr Injected kInjections[] = {Injected::eof, Injected::io_error, Injected::timeout};

const char* name(Injected injected) {
  switch (injected) {
    case Injected::eof:
      return "EOF";
    case Injected::io_error:
      return "I/O error";
    case Injected::timeout:
      return "timeout";
  }
  return "?";
}

std::string describe(const Action& action) {
  std::ostringstream os;
  os << action;
  return os.str();
}

// True when `bytes` holds at least one whole reply (its last line: "NNN " or "NNN" + LF).
bool holds_complete_reply(std::string_view bytes) {
  std::size_t start = 0;
  while (true) {
    const std::size_t lf = bytes.find('\n', start);
    if (lf == std::string_view::npos) return false;
    const std::string_view line = bytes.substr(start, lf - start);
    if (line.size() < 4 || line[3] == ' ' || line[3] == '\r') return true;
    start = lf + 1;
  }
}

// Properties every run must have, whatever happened on the way.
void check_invariants(const SessionScript& script, const SessionOutcome& outcome,
                      const DeliveryLedger& ledger) {
  check_session_invariants(script.config(), script.transactions(), outcome, ledger);
}

std::string written_form(const std::vector<Transaction>& transactions, const std::string& wire) {
  for (const Transaction& t : transactions) {
    for (std::size_t i = 0; i < t.wire_recipients.size() && i < t.recipients.size(); ++i) {
      if (t.wire_recipients[i] == wire) return t.recipients[i];
    }
  }
  return wire;
}

}  // namespace

void answer(Session& session, const ReadBody& request, message::ContentSlices& slices) {
  std::string_view slice;
  std::string error;
  if (slices.next(request.content, request.offset, request.max, slice, error)) {
    EXPECT_LE(slice.size(), request.max);
    session.on_body(slice);
  } else {
    session.on_body_failed(std::move(error));
  }
}

Action next_answering_body(Session& session, message::ContentSlices& slices) {
  Action action = session.next_action();
  while (const auto* request = std::get_if<ReadBody>(&action)) {
    answer(session, *request, slices);
    action = session.next_action();
  }
  return action;
}

// Message data is what a data-block Write carries once a DATA command is out (the session
// writes data only after its 354). The lone "." that ends an unwanted 354 reads as an empty
// message to the recipients of its transaction: a credit for recipients who were all refused
// can never excuse a false delivery.
void DeliveryLedger::observe(const Write& write) {
  if (mode_ == Mode::commands && data_due_ && partial_.empty() &&
      write.stage == Stage::data_block) {
    mode_ = Mode::dot_data;
    data_due_ = false;
  }
  partial_ += write.bytes;
  std::string_view bytes = partial_;
  while (!bytes.empty()) {
    if (mode_ == Mode::bdat_data) {
      const std::size_t n =
          static_cast<std::size_t>(std::min<std::uint64_t>(bdat_left_, bytes.size()));
      bytes.remove_prefix(n);
      bdat_left_ -= n;
      if (bdat_left_ == 0) {
        sent_.push_back(current_);
        mode_ = Mode::commands;
      }
      continue;
    }
    const std::size_t end = bytes.find("\r\n");
    if (end == std::string_view::npos) break;
    const std::string line(bytes.substr(0, end));
    bytes.remove_prefix(end + 2);
    if (mode_ == Mode::dot_data) {
      if (line == ".") {  // stuffing doubles every other leading dot: this is end of data
        sent_.push_back(current_);
        mode_ = Mode::commands;
      }
      continue;
    }
    command(line);
  }
  partial_ = std::string(bytes);
}

void DeliveryLedger::command(const std::string& line) {
  data_due_ = line == "DATA";
  if (line.rfind("MAIL FROM:", 0) == 0) current_.clear();
  // Parameters (RFC 3461 NOTIFY=) may follow the path; test addresses hold no '>'.
  const std::size_t path_end = line.find('>');
  if (line.rfind("RCPT TO:<", 0) == 0 && path_end != std::string::npos) {
    current_.push_back(line.substr(9, path_end - 9));
  }
  if (line.rfind("BDAT ", 0) == 0) {
    bdat_left_ = std::stoull(line.substr(5));
    mode_ = Mode::bdat_data;
    if (bdat_left_ == 0) {
      sent_.push_back(current_);
      mode_ = Mode::commands;
    }
  }
}

void DeliveryLedger::end_of_data_accepted() {
  if (sent_.empty()) return;
  for (const std::string& address : sent_.front()) ++credits_[address];
  sent_.pop_front();
}

void DeliveryLedger::end_of_data_refused() {
  if (!sent_.empty()) sent_.pop_front();
}

void check_session_invariants(const SessionConfig& config,
                              const std::vector<Transaction>& transactions,
                              const SessionOutcome& outcome, const DeliveryLedger& ledger) {
  std::vector<std::pair<std::size_t, std::string>> wanted;
  for (const Transaction& t : transactions) {
    for (const std::string& r : t.recipients) wanted.emplace_back(t.message_index, r);
  }
  std::vector<std::pair<std::size_t, std::string>> got;
  for (const RecipientOutcome& r : outcome.recipients) {
    got.emplace_back(r.result.message_index, r.result.address);
  }
  std::sort(wanted.begin(), wanted.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, wanted) << "every recipient must have exactly one outcome";

  // The ledger reads RCPT TO lines, so it knows the wire form (A-labels); outcomes keep the
  // address as written.
  std::map<std::string, int> credits;
  for (const auto& [address, count] : ledger.credits()) {
    credits[written_form(transactions, address)] += count;
  }
  for (const RecipientOutcome& r : outcome.recipients) {
    const RecipientResult& result = r.result;
    SCOPED_TRACE("recipient " + result.address);
    EXPECT_EQ(result.diag.host, config.peer.host);
    EXPECT_EQ(result.diag.ip, config.peer.ip);
    EXPECT_NE(result.diag.error, make_error_code(Errc::internal));
    if (result.status != RecipientStatus::delivered) {
      EXPECT_NE(result.cause, FailureCause::none) << "left unsettled";
      EXPECT_TRUE(result.diag.reply || !result.diag.detail.empty()) << "no reason given";
      continue;
    }
    EXPECT_GT(credits[result.address]--, 0)
        << "delivered without a 2xx reply to end of data in the script";
    EXPECT_EQ(result.cause, FailureCause::none);
    EXPECT_FALSE(result.may_duplicate);
    EXPECT_TRUE(r.final);
    ASSERT_TRUE(result.diag.reply.has_value());
    EXPECT_EQ(result.diag.reply->code / 100, 2);
  }
}

namespace {

struct Run {
  Run(const SessionScript& script, TranscriptSink* sink)
      : session(script.config(), script.transactions(), sink) {}
  Session session;
  DeliveryLedger ledger;
  message::ContentSlices body;
};

// Takes the next action, checking that asking twice gives the same answer (Close excepted:
// the call after it gives Done by contract). ReadBody is answered on the way, as the transport
// does.
Action next(Run& run) {
  for (;;) {
    Action action = run.session.next_action();
    if (!std::holds_alternative<Close>(action)) {
      EXPECT_EQ(run.session.next_action(), action) << "next_action() is not idempotent";
    }
    const auto* request = std::get_if<ReadBody>(&action);
    if (request == nullptr) return action;
    answer(run.session, *request, run.body);
  }
}

// Consumes Writes until `writes_before_stop` have been made or the expected bytes are complete.
// Returns false on a mismatch (already reported).
bool play_write(const SessionScript& script, Run& run, const std::string& expected) {
  std::string got;
  while (got.size() < expected.size()) {
    const Action action = next(run);
    const auto* write = std::get_if<Write>(&action);
    if (write == nullptr) {
      ADD_FAILURE() << "expected a Write completing\n  \"" << expected << "\"\nafter\n  \"" << got
                    << "\"\ngot " << describe(action);
      return false;
    }
    EXPECT_FALSE(write->bytes.empty()) << "empty Write";
    EXPECT_LE(write->bytes.size(), script.config().settings.max_write) << describe(action);
    run.ledger.observe(*write);
    got += write->bytes;
    run.session.on_written();
  }
  EXPECT_EQ(got, expected);
  return got == expected;
}

// What a reply step is to the ledger: the reply to end of data (2xx or not), or anything else.
enum class EndOfData { no, accepted, refused };

void tell_ledger(DeliveryLedger& ledger, EndOfData reply) {
  if (reply == EndOfData::accepted) ledger.end_of_data_accepted();
  if (reply == EndOfData::refused) ledger.end_of_data_refused();
}

// Checks that the session wants to read; says whether the reply answers end of data.
EndOfData expect_read(Run& run, const std::string& bytes, bool& ok) {
  const Action action = next(run);
  const auto* read = std::get_if<Read>(&action);
  if (read == nullptr) {
    ADD_FAILURE() << "expected a Read for reply \"" << bytes << "\", got " << describe(action);
    ok = false;
    return EndOfData::no;
  }
  ok = true;
  if (read->stage != Stage::end_of_data) return EndOfData::no;
  return !bytes.empty() && bytes[0] == '2' ? EndOfData::accepted : EndOfData::refused;
}

enum class Feed { whole, byte_by_byte, split };

void feed_bytes(Run& run, std::string_view bytes, Feed feed, std::size_t split_at) {
  switch (feed) {
    case Feed::whole:
      run.session.on_bytes(bytes);
      break;
    case Feed::byte_by_byte:
      for (std::size_t i = 0; i < bytes.size(); ++i) run.session.on_bytes(bytes.substr(i, 1));
      break;
    case Feed::split: {
      const std::size_t at = std::min(split_at, bytes.size());
      run.session.on_bytes(bytes.substr(0, at));
      run.session.on_bytes(bytes.substr(at));
      break;
    }
  }
}

bool play_reply(Run& run, const std::string& bytes, Feed feed, std::size_t split_at) {
  bool ok = false;
  const EndOfData end = expect_read(run, bytes, ok);
  if (!ok) return false;
  feed_bytes(run, bytes, feed, split_at);
  tell_ledger(run.ledger, end);
  return true;
}

// The Write is under way when the bytes arrive: only once it completes do its bytes count as
// sent (the ledger sees them then), so a final dot whose write the session gave up credits
// nobody.
bool play_reply_during_write(Run& run, const std::string& bytes, Feed feed,
                             std::size_t split_at) {
  const Action action = next(run);
  const auto* write = std::get_if<Write>(&action);
  if (write == nullptr || !write->watch_replies) {
    ADD_FAILURE() << "expected a Write that watches replies, got " << describe(action);
    return false;
  }
  EXPECT_TRUE(run.session.write_pending());
  feed_bytes(run, bytes, feed, split_at);
  if (run.session.write_pending()) {
    run.ledger.observe(*write);
    run.session.on_written();
  }
  return true;
}

// The ledger credits a 2xx only to a transaction whose final dot it saw written (these steps
// carry end-of-data replies or early ones, never a MAIL or RCPT reply after a whole chunk).
bool play_reply_between_writes(Run& run, const std::string& bytes, Feed feed,
                               std::size_t split_at) {
  EXPECT_FALSE(run.session.write_pending());
  if (holds_complete_reply(bytes) && bytes[0] == '2') run.ledger.end_of_data_accepted();
  feed_bytes(run, bytes, feed, split_at);
  return true;
}

bool play_end(const SessionScript& script, Run& run, const SessionScript::Step& step) {
  const Action action = next(run);
  if (step.kind == StepKind::close) {
    EXPECT_TRUE(std::holds_alternative<Close>(action))
        << "expected Close, got " << describe(action);
    return std::holds_alternative<Close>(action);
  }
  const auto* done = std::get_if<Done>(&action);
  if (done == nullptr) {
    ADD_FAILURE() << "expected Done, got " << describe(action);
    return false;
  }
  EXPECT_EQ(run.session.next_action(), action) << "Done must stay Done";
  check_invariants(script, done->outcome, run.ledger);
  if (step.check) step.check(done->outcome);
  return true;
}

void inject(Run& run, Injected injected);

bool play_start_tls(Run& run, bool succeeds) {
  const Action action = next(run);
  if (!std::holds_alternative<StartTls>(action)) {
    ADD_FAILURE() << "expected StartTls, got " << describe(action);
    return false;
  }
  if (succeeds) {
    run.session.on_tls_established("TLSv1.3 test peer");
  } else {
    run.session.on_tls_failed(make_error_code(Errc::tls_handshake_failed));
  }
  return true;
}

bool play_failure(Run& run, Injected injected) {
  const Action action = next(run);
  if (!std::holds_alternative<Read>(action) && !std::holds_alternative<Write>(action)) {
    ADD_FAILURE() << "a " << name(injected) << " needs a pending Read or Write, got "
                  << describe(action);
    return false;
  }
  inject(run, injected);
  return true;
}

bool play_step(const SessionScript& script, Run& run, const SessionScript::Step& step, Feed feed,
               std::size_t split_at) {
  switch (step.kind) {
    case StepKind::write:
      return play_write(script, run, step.bytes);
    case StepKind::reply:
      return play_reply(run, step.bytes, feed, split_at);
    case StepKind::reply_during_write:
      return play_reply_during_write(run, step.bytes, feed, split_at);
    case StepKind::reply_between_writes:
      return play_reply_between_writes(run, step.bytes, feed, split_at);
    case StepKind::eof:
      return play_failure(run, Injected::eof);
    case StepKind::io_error:
      return play_failure(run, Injected::io_error);
    case StepKind::timeout:
      return play_failure(run, Injected::timeout);
    case StepKind::start_tls:
      return play_start_tls(run, true);
    case StepKind::tls_failed:
      return play_start_tls(run, false);
    case StepKind::close:
    case StepKind::done:
      return play_end(script, run, step);
  }
  return false;
}

void play_all(const SessionScript& script, Feed feed, std::size_t split_at) {
  Run run(script, nullptr);
  for (std::size_t k = 0; k < script.steps().size(); ++k) {
    SCOPED_TRACE("step " + std::to_string(k));
    if (!play_step(script, run, script.steps()[k], feed, split_at)) return;
  }
}

void inject(Run& run, Injected injected) {
  switch (injected) {
    case Injected::eof:
      run.session.on_eof();
      break;
    case Injected::io_error:
      run.session.on_io_error(std::make_error_code(std::errc::connection_reset));
      break;
    case Injected::timeout:
      run.session.on_timeout();
      break;
  }
}

// After a failure the session must close at once (no QUIT on a dead connection) and be Done.
void finish_after_failure(const SessionScript& script, Run& run) {
  const Action close = run.session.next_action();
  ASSERT_TRUE(std::holds_alternative<Close>(close)) << "expected Close, got " << describe(close);
  const Action done = run.session.next_action();
  const auto* outcome = std::get_if<Done>(&done);
  ASSERT_NE(outcome, nullptr) << "expected Done, got " << describe(done);
  check_invariants(script, outcome->outcome, run.ledger);
}

bool play_prefix(const SessionScript& script, Run& run, std::size_t steps) {
  for (std::size_t k = 0; k < steps; ++k) {
    if (!play_step(script, run, script.steps()[k], Feed::whole, 0)) return false;
  }
  return true;
}

// Inside a write step: fail the Write numbered `write_index` (0-based) of that step. Returns
// false when the step has fewer Writes.
bool replay_write_failure(const SessionScript& script, std::size_t step, std::size_t write_index,
                          Injected injected) {
  Run run(script, nullptr);
  if (!play_prefix(script, run, step)) return false;
  const std::string& expected = script.steps()[step].bytes;
  std::string got;
  for (std::size_t i = 0;; ++i) {
    if (got.size() >= expected.size()) return false;
    const Action action = next_answering_body(run.session, run.body);
    const auto* write = std::get_if<Write>(&action);
    if (write == nullptr) {
      ADD_FAILURE() << "expected a Write, got " << describe(action);
      return false;
    }
    if (i == write_index) break;
    run.ledger.observe(*write);
    got += write->bytes;
    run.session.on_written();
  }
  inject(run, injected);
  finish_after_failure(script, run);
  return true;
}

// Inside a write step: the transport cannot read the slice of message data asked for the
// `request_index`-th time (0-based) in that step. Returns false when the step asks fewer times.
bool replay_body_failure(const SessionScript& script, std::size_t step,
                         std::size_t request_index) {
  Run run(script, nullptr);
  if (!play_prefix(script, run, step)) return false;
  const std::string& expected = script.steps()[step].bytes;
  std::string got;
  std::size_t requests = 0;
  while (got.size() < expected.size()) {
    const Action action = run.session.next_action();
    if (const auto* request = std::get_if<ReadBody>(&action)) {
      if (requests++ == request_index) {
        run.session.on_body_failed("test: the message cannot be read");
        finish_after_failure(script, run);
        return true;
      }
      answer(run.session, *request, run.body);
      continue;
    }
    const auto* write = std::get_if<Write>(&action);
    if (write == nullptr) {
      ADD_FAILURE() << "expected a Write or ReadBody, got " << describe(action);
      return false;
    }
    run.ledger.observe(*write);
    got += write->bytes;
    run.session.on_written();
  }
  return false;
}

void replay_reply_failure(const SessionScript& script, std::size_t step, std::size_t offset,
                          Injected injected) {
  Run run(script, nullptr);
  if (!play_prefix(script, run, step)) return;
  const std::string& bytes = script.steps()[step].bytes;
  bool ok = false;
  const EndOfData end = expect_read(run, bytes, ok);
  if (!ok) return;
  const std::string_view prefix = std::string_view(bytes).substr(0, offset);
  run.session.on_bytes(prefix);
  if (holds_complete_reply(prefix)) tell_ledger(run.ledger, end);
  inject(run, injected);
  finish_after_failure(script, run);
}

// Every offset of short replies; for long ones (the oversized-line tests) the edges, the middle
// and every line boundary, which is where the parser changes state.
std::vector<std::size_t> failure_offsets(const std::string& bytes) {
  std::vector<std::size_t> offsets;
  constexpr std::size_t kEveryOffsetUpTo = 512;
  if (bytes.size() <= kEveryOffsetUpTo) {
    for (std::size_t i = 0; i < bytes.size(); ++i) offsets.push_back(i);
    return offsets;
  }
  offsets = {0, 1, 2, bytes.size() / 2, bytes.size() - 2, bytes.size() - 1};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\n' && i + 1 < bytes.size()) offsets.push_back(i + 1);
  }
  return offsets;
}

void replay_with_failures(const SessionScript& script) {
  const auto& steps = script.steps();
  for (std::size_t k = 0; k < steps.size(); ++k) {
    if (steps[k].kind == StepKind::write) {
      SCOPED_TRACE("message data unreadable at step " + std::to_string(k));
      for (std::size_t r = 0; replay_body_failure(script, k, r); ++r) {
        if (::testing::Test::HasFailure()) return;
      }
    }
    for (const Injected injected : kInjections) {
      SCOPED_TRACE(std::string(name(injected)) + " at step " + std::to_string(k));
      if (steps[k].kind == StepKind::write) {
        for (std::size_t w = 0; replay_write_failure(script, k, w, injected); ++w) {
          if (::testing::Test::HasFailure()) return;
        }
      } else if (steps[k].kind == StepKind::reply) {
        for (const std::size_t offset : failure_offsets(steps[k].bytes)) {
          SCOPED_TRACE("after " + std::to_string(offset) + " bytes of the reply");
          replay_reply_failure(script, k, offset, injected);
          if (::testing::Test::HasFailure()) return;
        }
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const ExpectedRecipient& e) {
  return os << '[' << e.message_index << "] " << e.address << ' ' << to_string(e.status)
            << " cause=" << to_string(e.cause) << (e.final ? " final" : " not-final")
            << (e.may_duplicate ? " may_duplicate" : "") << " reply=" << e.reply_code;
}

SessionScript::SessionScript(SessionConfig config, std::vector<Transaction> transactions)
    : config_(std::move(config)), transactions_(std::move(transactions)) {}

SessionScript& SessionScript::expect_write(std::string bytes) {
  if (!steps_.empty() && steps_.back().kind == StepKind::write) {
    steps_.back().bytes += bytes;
  } else {
    steps_.push_back({StepKind::write, std::move(bytes), {}});
  }
  return *this;
}

SessionScript& SessionScript::reply(std::string bytes) {
  steps_.push_back({StepKind::reply, std::move(bytes), {}});
  return *this;
}

SessionScript& SessionScript::reply_during_write(std::string bytes) {
  steps_.push_back({StepKind::reply_during_write, std::move(bytes), {}});
  return *this;
}

SessionScript& SessionScript::reply_between_writes(std::string bytes) {
  steps_.push_back({StepKind::reply_between_writes, std::move(bytes), {}});
  return *this;
}

SessionScript& SessionScript::eof() {
  steps_.push_back({StepKind::eof, {}, {}});
  return *this;
}

SessionScript& SessionScript::io_error() {
  steps_.push_back({StepKind::io_error, {}, {}});
  return *this;
}

SessionScript& SessionScript::timeout() {
  steps_.push_back({StepKind::timeout, {}, {}});
  return *this;
}

SessionScript& SessionScript::expect_close() {
  steps_.push_back({StepKind::close, {}, {}});
  return *this;
}

SessionScript& SessionScript::expect_start_tls() {
  steps_.push_back({StepKind::start_tls, {}, {}});
  return *this;
}

SessionScript& SessionScript::expect_start_tls_then_failure() {
  steps_.push_back({StepKind::tls_failed, {}, {}});
  return *this;
}

SessionScript& SessionScript::expect_done(OutcomeCheck check) {
  steps_.push_back({StepKind::done, {}, std::move(check)});
  return *this;
}

SessionScript& SessionScript::expect_done(std::vector<ExpectedRecipient> expected) {
  return expect_done([expected = std::move(expected)](const SessionOutcome& outcome) {
    ASSERT_EQ(outcome.recipients.size(), expected.size()) << Action{Done{outcome}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const RecipientOutcome& got = outcome.recipients[i];
      const ExpectedRecipient& want = expected[i];
      SCOPED_TRACE(::testing::Message() << "want " << want);
      EXPECT_EQ(got.result.address, want.address) << ::testing::PrintToString(got);
      EXPECT_EQ(got.result.message_index, want.message_index) << ::testing::PrintToString(got);
      EXPECT_EQ(got.result.status, want.status) << ::testing::PrintToString(got);
      EXPECT_EQ(got.result.cause, want.cause) << ::testing::PrintToString(got);
      EXPECT_EQ(got.final, want.final) << ::testing::PrintToString(got);
      EXPECT_EQ(got.result.may_duplicate, want.may_duplicate) << ::testing::PrintToString(got);
      EXPECT_EQ(got.result.diag.reply ? got.result.diag.reply->code : 0, want.reply_code)
          << ::testing::PrintToString(got);
    }
  });
}

void run(const SessionScript& script) {
  ASSERT_FALSE(script.steps().empty());
  ASSERT_EQ(script.steps().back().kind, StepKind::done) << "a script ends with expect_done()";
  {
    SCOPED_TRACE("replies fed whole");
    play_all(script, Feed::whole, 0);
  }
  if (::testing::Test::HasFailure()) return;
  {
    SCOPED_TRACE("replies fed one byte at a time");
    play_all(script, Feed::byte_by_byte, 0);
  }
  if (::testing::Test::HasFailure()) return;
  std::size_t longest = 0;
  for (const auto& step : script.steps()) {
    if (step.kind == StepKind::reply || step.kind == StepKind::reply_during_write ||
        step.kind == StepKind::reply_between_writes) {
      longest = std::max(longest, step.bytes.size());
    }
  }
  for (std::size_t at = 1; at < longest; ++at) {
    SCOPED_TRACE("replies split at offset " + std::to_string(at));
    play_all(script, Feed::split, at);
    if (::testing::Test::HasFailure()) return;
  }
  replay_with_failures(script);
}

SessionOutcome run_once(const SessionScript& script, TranscriptSink* sink) {
  Run run(script, sink);
  for (const auto& step : script.steps()) {
    if (step.kind == StepKind::done) break;
    if (!play_step(script, run, step, Feed::whole, 0)) return {};
  }
  const Action action = run.session.next_action();
  const auto* done = std::get_if<Done>(&action);
  if (done == nullptr) {
    ADD_FAILURE() << "expected Done, got " << describe(action);
    return {};
  }
  return done->outcome;
}

SessionConfig test_config() {
  SessionConfig config;
  config.helo_name = "client.example";
  config.peer = Peer{"mx.example.net", "192.0.2.1"};
  return config;
}

void RecordingTranscript::line(std::string_view peer, TranscriptKind kind, std::string_view text,
                               int /*level*/) {
  const char* prefix = kind == TranscriptKind::client   ? "C: "
                       : kind == TranscriptKind::server ? "S: "
                                                        : "I: ";
  lines.push_back(prefix + std::string(text));
  peers.emplace_back(peer);
}

}  // namespace testing
}  // namespace smtpsend::smtp
