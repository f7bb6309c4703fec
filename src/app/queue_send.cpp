// --queue deferred and --queue always (SPEC.md "Queue"). Every message is queued before the
// first attempt, as Postfix's sendmail hands it to the queue before anything is sent
// (docs/decisions.md "Queue modes"): a run killed mid-delivery loses nothing, and cron's report
// is on disk before the first byte goes out. The first attempt then delivers from the entry like
// any later one: in_flight before the final dot, delivered as each 250 comes, the rest of the
// state updated after the replies.
#include <unistd.h>

#include <chrono>

#include "queue_delivery.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/progress_line.hpp"
#include "smtpsend/report/stderr_transcript.hpp"

namespace smtpsend::app {
namespace {

// How long a --queue deferred run goes on trying its queue's other due entries after its own
// delivery (SPEC.md: "within a few seconds' budget"; docs/decisions.md).
constexpr std::chrono::seconds kDrainBudget{5};

queue::ScheduleSettings schedule_of(const cli::QueueRequest& request) {
  return {request.retry_min, request.retry_max, request.lifetime};
}

RecipientResult queued_without_trying(std::size_t index, const std::string& address,
                                      const std::string& id) {
  RecipientResult result;
  result.message_index = index;
  result.address = address;
  result.status = RecipientStatus::queued;
  result.cause = FailureCause::temporary;
  result.diag.detail = "queued without trying (--queue always)";
  result.queue_id = id;
  return result;
}

// Writes each entry's new state, or removes an entry none of whose recipients waits.
void store(std::vector<EntryWork>& works) {
  for (EntryWork& work : works) {
    if (!work.entry.held()) continue;
    queue::SpoolError ignored;  // a failed update leaves the previous state: tried again later
    bool done = true;
    for (const queue::RecipientState& state : work.envelope.recipients) {
      done = done && queue::is_done(state.status);
    }
    if (done) {
      (void)work.entry.remove(ignored);
    } else {
      (void)work.entry.update(work.envelope, ignored);
    }
    work.entry.release();
  }
}

// The first attempt's results into the entries: delivered and failed are done (the caller
// learns of a failure now, from the exit status: no bounce), deferred ones wait and are reported
// `queued`. Returns whether any recipient was held for configuration trouble.
bool settle_first_attempt(std::vector<EntryWork>& works, std::vector<RecipientResult>& results,
                          const queue::ScheduleSettings& schedule) {
  const std::int64_t now = unix_now();
  bool held = false;
  for (RecipientResult& result : results) {
    EntryWork& work = works[result.message_index];
    queue::RecipientState* state = find_recipient(work.envelope, result.address);
    if (state == nullptr || !work.entry.held()) continue;
    const Settled settled =
        settle(*state, result, schedule, work.envelope.arrival, now, queue::random_jitter());
    if (settled == Settled::held) {
      held = true;
      result.status = RecipientStatus::queued;
      result.queue_id = work.envelope.id;
    } else if (settled == Settled::waiting) {
      result.status = RecipientStatus::queued;
      result.queue_id = work.envelope.id;
    }
  }
  return held;
}

// Entries another run locked first (it enqueued nothing; a concurrent `queue run` found the new
// entry between its rename and our lock) are that run's: their recipients are queued.
std::vector<delivery::OutgoingMessage> to_deliver(
    const std::vector<delivery::OutgoingMessage>& outgoing, const std::vector<EntryWork>& works,
    std::vector<RecipientResult>& not_ours) {
  std::vector<delivery::OutgoingMessage> sending = outgoing;
  for (std::size_t i = 0; i < works.size(); ++i) {
    if (works[i].entry.held()) continue;
    for (const message::EnvelopeAddress& r : outgoing[i].recipients) {
      RecipientResult result = queued_without_trying(i, r.text, works[i].envelope.id);
      result.diag.detail = "queued; another queue run is delivering it";
      not_ours.push_back(std::move(result));
    }
    sending[i].recipients.clear();
  }
  return sending;
}

// Locks the entry this run just queued, unless another run (a `queue run` that found it between
// its rename and this lock) has it or has already changed it: then it is that run's, and sending
// from the state queued here could send a recipient twice.
void lock_untouched(queue::Spool& spool, EntryWork& work) {
  queue::SpoolError error;
  if (spool.lock(work.envelope.id, work.entry, error) != queue::LockResult::locked) return;
  queue::Envelope on_disk;
  if (!work.entry.read_envelope(on_disk, error) || on_disk != work.envelope) work.entry.release();
}

bool shows_progress(const cli::Request& request) {
  return !request.quiet && request.verbosity == 0 && ::isatty(STDERR_FILENO) == 1;
}

}  // namespace

ExitCode queue_and_send(const cli::Request& request, const std::vector<message::Message>& messages,
                        const std::vector<delivery::OutgoingMessage>& outgoing,
                        const std::vector<RecipientResult>& refused, std::ostream& out,
                        std::ostream& err) {
  const cli::QueueMode mode = cli::queue_mode(request.queue, request.as_sendmail);
  delivery::DeliveryOptions options = request.delivery;
  // A missing password is the caller's mistake, told now rather than held in the queue.
  if (mode == cli::QueueMode::deferred) {
    if (std::optional<Stop> stop = prepare_auth(request, options)) {
      err << report::fatal_line(stop->sentence) << '\n';
      return stop->code;
    }
  }
  queue::Spool spool;
  if (std::optional<Stop> stop = open_spool(request.queue_dir, spool)) {
    err << report::fatal_line(stop->sentence) << '\n';
    return stop->code;
  }
  std::vector<EntryWork> works(outgoing.size());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < outgoing.size(); ++i) {
    works[i].envelope = envelope_for(request, outgoing[i]);
    // Every recipient refused by an alias: nothing to queue (and an entry needs a recipient).
    if (outgoing[i].recipients.empty()) {
      ids.emplace_back();
      continue;
    }
    queue::SpoolError error;
    if (!spool.enqueue(works[i].envelope, queue::entry_content(*outgoing[i].message), error)) {
      std::string sentence = "cannot queue: " + error.detail;
      if (i > 0)
        sentence += " (" + std::to_string(i) + " earlier message(s) of this run are queued)";
      err << report::fatal_line(sentence) << '\n';
      return error.exit_code();
    }
    ids.push_back(works[i].envelope.id);
  }

  std::vector<RecipientResult> results;
  if (mode == cli::QueueMode::always) {
    for (std::size_t i = 0; i < outgoing.size(); ++i) {
      for (const queue::RecipientState& state : works[i].envelope.recipients) {
        results.push_back(queued_without_trying(i, state.address, ids[i]));
      }
    }
    // --queue always asked for exactly this: nothing to say on stderr but the refusals.
    if (!request.quiet) report::write_failure_lines(err, refused);
    results.insert(results.end(), refused.begin(), refused.end());
    const ExitCode code = exit_code_for(results);
    cli::Request silent = request;
    silent.quiet = true;
    report_queued(silent, messages, ids, results, code, out, err);
    return code;
  }

  for (std::size_t i = 0; i < works.size(); ++i) {
    if (ids[i].empty()) continue;  // not queued: every recipient refused by an alias
    lock_untouched(spool, works[i]);
  }
  std::vector<EntryWork*> by_index;
  for (EntryWork& work : works) by_index.push_back(&work);
  report::StderrTranscript transcript(err, request.verbosity);
  if (request.verbosity > 0) options.transcript = &transcript;
  std::optional<report::ProgressLine> progress;
  std::size_t count = 0;
  for (const auto& message : outgoing) count += message.recipients.size();
  if (shows_progress(request)) progress.emplace(err, count);
  EntryRecorder recorder(std::move(by_index), progress ? &*progress : nullptr);
  options.in_flight = &recorder;
  options.session.progress = &recorder;

  std::vector<RecipientResult> not_ours;
  const std::vector<delivery::OutgoingMessage> sending = to_deliver(outgoing, works, not_ours);
  delivery::DeliveryReport delivered;
  if (count > 0) delivered = delivery::deliver(sending, options);
  if (progress) progress->erase();
  if (delivered.fatal) {
    // Every entry stays as it was, queued: a later `queue run` delivers it.
    err << report::fatal_line(delivered.fatal_detail) << '\n';
    return exit_code_for_fatal(delivered.fatal);
  }
  // The first attempt never gives up on a deferral: queue-lifetime is the queue's to run out
  // (a lifetime shorter than the attempt itself would otherwise end the run with 75 and lose the
  // entry); the next `queue run` expires and bounces it.
  queue::ScheduleSettings first = schedule_of(request.queue);
  first.lifetime = std::chrono::seconds::max();
  const bool held = settle_first_attempt(works, delivered.results, first);
  store(works);
  results = std::move(delivered.results);
  results.insert(results.end(), not_ours.begin(), not_ours.end());
  results.insert(results.end(), refused.begin(), refused.end());
  ExitCode code = exit_code_for(results);
  // SPEC.md "Queue": configuration trouble is held, and each run says so with 77.
  if (held && code == ExitCode::ok) code = ExitCode::no_perm;
  std::vector<std::string> kept(ids.size());
  for (const RecipientResult& result : results) {
    if (result.status == RecipientStatus::queued) kept[result.message_index] = result.queue_id;
  }
  report_queued(request, messages, kept, results, code, out, err);

  QueueRunRequest drain;
  drain.dir = spool.directory().string();
  drain.deadline = std::chrono::steady_clock::now() + kDrainBudget;
  drain.skip = ids;
  std::ostringstream ignored;  // other entries' news goes to their senders, not to this caller
  (void)run_queue(drain, cli::this_host_identity(), ignored);
  return code;
}

}  // namespace smtpsend::app
