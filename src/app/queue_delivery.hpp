// Delivering with a queue (SPEC.md "Queue", docs/decisions.md "Delivering from the queue"): the
// parts both paths share, the first attempt of a `--queue deferred` run and `queue run`. Private
// to src/app.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "queue_state.hpp"
#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/core/in_flight.hpp"
#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/queue/spool.hpp"
#include "steps.hpp"

namespace smtpsend::app {

std::int64_t unix_now();

// The queue directory of a run: --queue-dir, else queue::default_queue_dir(); created (0700)
// when missing. A Stop with the spool's exit code (73 cannot create, 75 cannot write).
std::optional<Stop> open_spool(const std::string& queue_dir, queue::Spool& spool);

// The entry's envelope for one outgoing message: its sender, DSN parameters, route (relay and
// account, never a secret) and every recipient pending, due at once.
queue::Envelope envelope_for(const cli::Request& request, const delivery::OutgoingMessage& message);

// One entry this run works on, under its lock.
struct EntryWork {
  queue::LockedEntry entry;
  queue::Envelope envelope;
};

// The recipient state of `address` in `envelope`; null when it has none.
queue::RecipientState* find_recipient(queue::Envelope& envelope, std::string_view address);

// Records the recipients of a transaction as in_flight (fsynced) right before its final dot,
// then passes the crash point deliver:before-dot. `works[i]` is the entry of the message with
// index i in the delivery; null for a message without an entry.
class InFlightRecorder final : public InFlightSink {
 public:
  explicit InFlightRecorder(std::vector<EntryWork*> works) : works_(std::move(works)) {}
  void before_end_of_data(std::size_t message_index,
                          std::span<const std::string> recipients) override;

 private:
  std::vector<EntryWork*> works_;
};

// `queue run` (SPEC.md "Queue"): which entries, and where the output goes.
struct QueueRunRequest {
  std::string dir;               // --queue-dir; empty: the default
  bool all = false;              // every entry now, due or not
  std::vector<std::string> ids;  // only these (then due or not)
  int verbosity = 0;             // -v: the SMTP conversation
  // Stop starting entries at this point (the drain after a --queue deferred run); none: no limit.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::vector<std::string> skip;  // ids left alone (the entries the drain's own run just made)
};

// The command line that reproduces the entry's route for the normal parser: the configuration
// file and account it was queued with (-C, -A), and the relay, TLS policy, AUTH user and
// mechanism it stored; then a placeholder recipient. Read again at run time, the file gives the
// account's password source and today's other settings (timeouts, DNS servers, mx-port, ...).
std::vector<std::string> route_arguments(const queue::Envelope& envelope);

// Runs the queue: 0, 77 when an entry is held for configuration trouble, 74 when the spool or
// an entry cannot be read, 64 for an unknown id. One line on `err` per recipient that failed
// or expired, and per held entry.
ExitCode run_queue(const QueueRunRequest& request, const cli::HostIdentity& host,
                   std::ostream& err);

// SPEC.md "Invocation": `smtpsend queue ...`, sendmail -bp and -q, and a link named mailq run
// the queue's subcommands; the exit status, or nullopt when `argv` asks for none of them.
std::optional<int> queue_invocation(int argc, char** argv, const std::vector<std::string>& args,
                                    std::ostream& out, std::ostream& err);

// After a --queue deferred (or always) run: write the stderr lines, then the JSON.
void report_queued(const cli::Request& request, const std::vector<message::Message>& messages,
                   const std::vector<std::string>& queue_ids,
                   std::span<const RecipientResult> results, ExitCode code, std::ostream& out,
                   std::ostream& err);

// --queue deferred and always (SPEC.md "Queue"): queue every message, then (deferred) try it.
// `refused` (recipients an alias refused, failed already, SPEC.md "Aliases") is reported with
// the results and counts in the exit status; a message left without recipients is not queued.
ExitCode queue_and_send(const cli::Request& request, const std::vector<message::Message>& messages,
                        const std::vector<delivery::OutgoingMessage>& outgoing,
                        const std::vector<RecipientResult>& refused, std::ostream& out,
                        std::ostream& err);

}  // namespace smtpsend::app
