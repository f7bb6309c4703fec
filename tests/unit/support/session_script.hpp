// support/session_script: drives an smtp::Session through a scripted conversation
// (DESIGN.md rule 9, after Boost.MySQL's check_network_errors).
//
// A script lists what the session must write, what the server replies, and how it ends. run()
// plays it with the replies fed whole, one byte at a time and split at every offset, then
// replays it once per step with EOF, an I/O error or a timeout in place of that step (and at
// every offset inside each reply), and once per request for message data (ReadBody) with the
// message unreadable instead, asserting each time that the session reaches Done, that every
// recipient has exactly one outcome, and that nothing is reported delivered unless the script
// had passed the 2xx reply to the end of data of its transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "smtpsend/core/outcome.hpp"
#include "smtpsend/message/content.hpp"
#include "smtpsend/smtp/session.hpp"

namespace smtpsend::smtp {

// GoogleTest prints these through the project's operator<< instead of as raw bytes.
void PrintTo(const Action& action, std::ostream* os);
void PrintTo(const Write& action, std::ostream* os);
void PrintTo(const Read& action, std::ostream* os);
void PrintTo(const ReadBody& action, std::ostream* os);
void PrintTo(const StartTls& action, std::ostream* os);
void PrintTo(const Close& action, std::ostream* os);
void PrintTo(const Done& action, std::ostream* os);
void PrintTo(const RecipientOutcome& outcome, std::ostream* os);

namespace testing {

// The fields of one recipient's outcome a test usually cares about.
struct ExpectedRecipient {
  std::string address;
  RecipientStatus status = RecipientStatus::delivered;
  FailureCause cause = FailureCause::none;
  bool final = true;
  int reply_code = 0;  // 0: no server reply is quoted
  bool may_duplicate = false;
  std::size_t message_index = 0;
};
std::ostream& operator<<(std::ostream& os, const ExpectedRecipient& expected);

using OutcomeCheck = std::function<void(const SessionOutcome&)>;

class SessionScript {
 public:
  enum class StepKind {
    write,
    reply,
    reply_during_write,
    reply_between_writes,
    eof,
    io_error,
    timeout,
    close,
    done,
    start_tls,
    tls_failed
  };
  struct Step {
    StepKind kind;
    std::string bytes;   // write: expected bytes; reply: server bytes
    OutcomeCheck check;  // done
  };

  SessionScript(SessionConfig config, std::vector<Transaction> transactions);

  // Exact bytes the session writes. Consecutive expect_write() calls are one expectation: the
  // session may cut the bytes into Writes anywhere.
  SessionScript& expect_write(std::string bytes);
  SessionScript& reply(std::string bytes);
  // Server bytes that arrive while the next Write, which must watch replies (message data), is
  // still being written. If the session still wants that Write afterwards, it then completes;
  // its bytes are not part of any expect_write().
  SessionScript& reply_during_write(std::string bytes);
  // Server bytes read after one Write completed and before the next was begun (the transport
  // reads beside message data): fed without asking for the next action.
  SessionScript& reply_between_writes(std::string bytes);
  // The transport reports a failure instead of completing the pending Read or Write.
  SessionScript& eof();
  SessionScript& io_error();  // connection reset
  SessionScript& timeout();
  SessionScript& expect_close();
  // The session asks for StartTls; the transport then reports the handshake's result.
  SessionScript& expect_start_tls();               // on_tls_established()
  SessionScript& expect_start_tls_then_failure();  // on_tls_failed(tls_handshake_failed)
  SessionScript& expect_done(OutcomeCheck check);
  // Outcomes in the session's order (the order of the transactions' recipients).
  SessionScript& expect_done(std::vector<ExpectedRecipient> expected);

  const SessionConfig& config() const { return config_; }
  const std::vector<Transaction>& transactions() const { return transactions_; }
  const std::vector<Step>& steps() const { return steps_; }

 private:
  SessionConfig config_;
  std::vector<Transaction> transactions_;
  std::vector<Step> steps_;
};

// The transport's part in message data (transport/drive_session.cpp): reads what a ReadBody
// asks for from the content it names and hands it to the session.
void answer(Session& session, const ReadBody& request, message::ContentSlices& slices);
// next_action(), each ReadBody answered on the way: the first action of another kind.
Action next_answering_body(Session& session, message::ContentSlices& slices);

// What a test knows about deliveries without trusting the session: it reads the client's byte
// stream (commands, message data ending in a lone ".", BDAT chunks of n octets, and commands
// riding after the data) and keeps, per transaction whose data went out, the recipients named
// in RCPT TO since its MAIL FROM; each 2xx reply to end of data credits the oldest of those.
// A recipient may be reported delivered only as often as it was credited.
class DeliveryLedger {
 public:
  void observe(const Write& write);  // every Write the session makes
  void end_of_data_accepted();       // a 2xx reply to end of data was fed
  void end_of_data_refused();        // another reply to end of data was fed
  const std::map<std::string, int>& credits() const { return credits_; }

 private:
  enum class Mode { commands, dot_data, bdat_data };
  void command(const std::string& line);

  Mode mode_ = Mode::commands;
  bool data_due_ = false;  // DATA was the last command: a data-block write is message data
  std::uint64_t bdat_left_ = 0;
  std::string partial_;
  std::vector<std::string> current_;
  std::deque<std::vector<std::string>> sent_;  // transactions whose data is out, oldest first
  std::map<std::string, int> credits_;
};

// Asserts what holds after any conversation: every recipient has exactly one outcome, none is
// left unsettled, each names the peer, and nothing is delivered beyond the ledger's credits.
void check_session_invariants(const SessionConfig& config,
                              const std::vector<Transaction>& transactions,
                              const SessionOutcome& outcome, const DeliveryLedger& ledger);

// Plays the script every way described above; failures are reported through GoogleTest.
void run(const SessionScript& script);

// Plays the script once, replies fed whole, with `sink` attached; returns the final outcome.
SessionOutcome run_once(const SessionScript& script, TranscriptSink* sink = nullptr);

// A config for tests: helo "client.example", peer mx.example.net[192.0.2.1].
SessionConfig test_config();

// A transcript sink that keeps every line as "C: ", "S: " or "I: " followed by the text.
class RecordingTranscript final : public TranscriptSink {
 public:
  void line(std::string_view peer, TranscriptKind kind, std::string_view text, int level) override;
  std::vector<std::string> lines;
  std::vector<std::string> peers;
};

}  // namespace testing
}  // namespace smtpsend::smtp
