// The parts of queued delivery that the first attempt and `queue run` share.
#include "queue_delivery.hpp"

#include <chrono>

#include "smtpsend/queue/crash_point.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/json_report.hpp"

namespace smtpsend::app {

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<Stop> open_spool(const std::string& queue_dir, queue::Spool& spool) {
  std::optional<std::filesystem::path> dir;
  if (!queue_dir.empty()) {
    dir = queue_dir;
  } else {
    dir = queue::default_queue_dir();
  }
  if (!dir) {
    return Stop{ExitCode::temp_fail,
                "cannot queue: no queue directory (set --queue-dir, XDG_STATE_HOME or HOME)"};
  }
  queue::SpoolError error;
  if (queue::Spool::open(*dir, spool, error)) return std::nullopt;
  return Stop{error.exit_code(), "cannot queue: " + error.detail};
}

queue::Envelope envelope_for(const cli::Request& request,
                             const delivery::OutgoingMessage& message) {
  queue::Envelope envelope;
  queue::set_message_facts(*message.message, envelope);
  envelope.sender = message.mail_from;
  envelope.parameters = message.parameters;
  queue::Route& route = envelope.route;
  if (const std::optional<delivery::RelayRoute>& relay = request.delivery.route.relay) {
    route.relay = true;
    route.relay_host = relay->host;
    route.relay_port = relay->port;
    route.implicit_tls = relay->implicit_tls;
    if (request.auth) {
      route.user = request.auth->user;
      if (request.auth->preference.requested) {
        route.auth_mechanism = std::string(smtp::to_string(*request.auth->preference.requested));
      }
    }
  }
  route.tls = request.delivery.tls.policy;
  route.account = request.account;
  route.config_file = request.config_path;
  for (const message::EnvelopeAddress& recipient : message.recipients) {
    if (find_recipient(envelope, recipient.text) != nullptr) continue;  // sent once
    queue::RecipientState state;
    state.address = recipient.text;
    state.notify = message.parameters.dsn.notify;
    envelope.recipients.push_back(std::move(state));
  }
  return envelope;
}

queue::RecipientState* find_recipient(queue::Envelope& envelope, std::string_view address) {
  for (queue::RecipientState& state : envelope.recipients) {
    if (state.address == address) return &state;
  }
  return nullptr;
}

EntryWork* EntryRecorder::work_of(std::size_t message_index) const {
  EntryWork* work = message_index < works_.size() ? works_[message_index] : nullptr;
  return work != nullptr && work->entry.held() ? work : nullptr;
}

void EntryRecorder::before_end_of_data(std::size_t message_index,
                                       std::span<const std::string> recipients) {
  EntryWork* work = work_of(message_index);
  if (work == nullptr) return;
  for (const std::string& address : recipients) {
    queue::RecipientState* state = find_recipient(work->envelope, address);
    if (state != nullptr && state->status == queue::RecipientStatus::pending) {
      state->status = queue::RecipientStatus::in_flight;
    }
  }
  // A record that cannot be written does not stop the delivery: the message is in the queue
  // either way, and only a crash in the next seconds would lose the may_duplicate flag.
  queue::SpoolError ignored;
  (void)work->entry.update(work->envelope, ignored);
  queue::crash_point(queue::kCrashDeliverBeforeDot);
}

void EntryRecorder::settled(std::size_t message_index, std::string_view address,
                            RecipientStatus status) {
  if (next_ != nullptr) next_->settled(message_index, address, status);
  // Only a delivery must be on disk at once: anything else is tried again by a later run, which
  // is what it needs (the run's own update after the delivery records the reply and schedule).
  if (status != RecipientStatus::delivered) return;
  EntryWork* work = work_of(message_index);
  if (work == nullptr) return;
  queue::RecipientState* state = find_recipient(work->envelope, address);
  if (state == nullptr || state->status == queue::RecipientStatus::delivered) return;
  queue::crash_point(queue::kCrashDeliverAfterReply);
  state->status = queue::RecipientStatus::delivered;
  queue::SpoolError ignored;
  (void)work->entry.update(work->envelope, ignored);
}

void EntryRecorder::tick() {
  if (next_ != nullptr) next_->tick();
}

void report_queued(const cli::Request& request, const std::vector<message::Message>& messages,
                   const std::vector<std::string>& queue_ids,
                   std::span<const RecipientResult> results, ExitCode code, std::ostream& out,
                   std::ostream& err) {
  if (!request.quiet) {
    for (const RecipientResult& result : results) {
      // SPEC.md "Queue": under sendmail a queued recipient prints nothing, as every MTA's;
      // one held for configuration trouble (77) says why, since cron mails it to the admin.
      const bool held = is_configuration_trouble_cause(result);
      if (result.status == RecipientStatus::queued && request.as_sendmail && !held) continue;
      if (auto line = report::failure_line(result)) err << *line << '\n';
    }
    err.flush();
  }
  if (!request.json) return;
  std::vector<report::MessageSummary> summaries;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    report::MessageSummary summary{messages[i].facts.message_id, messages[i].size()};
    if (i < queue_ids.size()) summary.queue_id = queue_ids[i];
    summaries.push_back(std::move(summary));
  }
  out << report::delivery_json(summaries, results, code);
}

}  // namespace smtpsend::app
