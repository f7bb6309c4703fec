#include <unistd.h>

#include <memory>
#include <optional>
#include <set>

#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/json_report.hpp"
#include "smtpsend/report/progress_line.hpp"
#include "smtpsend/report/stderr_transcript.hpp"
#include "queue_delivery.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

std::vector<report::MessageSummary> summaries(const std::vector<message::Message>& messages) {
  std::vector<report::MessageSummary> out;
  for (const auto& message : messages) {
    out.push_back({message.facts.message_id, message.size()});
  }
  return out;
}

// Issue 5: a terminal gets a progress line; cron and scripts (stderr not a TTY) never do, and
// -q and -v have their own idea of what stderr shows.
bool shows_progress(const cli::Request& request) {
  return !request.quiet && request.verbosity == 0 && ::isatty(STDERR_FILENO) == 1;
}

std::size_t recipient_count(const std::vector<delivery::OutgoingMessage>& outgoing) {
  std::size_t count = 0;
  for (const delivery::OutgoingMessage& message : outgoing) {
    std::set<std::string> unique;
    for (const message::EnvelopeAddress& r : message.recipients) unique.insert(r.text);
    count += unique.size();
  }
  return count;
}

}  // namespace

ExitCode send_and_report(const cli::Request& request, const std::vector<message::Message>& messages,
                         const std::vector<delivery::OutgoingMessage>& outgoing,
                         const std::vector<RecipientResult>& refused, std::ostream& out,
                         std::ostream& err) {
  if (cli::queue_mode(request.queue, request.as_sendmail) != cli::QueueMode::never) {
    return queue_and_send(request, messages, outgoing, refused, out, err);
  }
  delivery::DeliveryOptions options = request.delivery;
  if (std::optional<Stop> stop = prepare_auth(request, options)) {
    err << report::fatal_line(stop->sentence) << '\n';
    return stop->code;
  }
  report::StderrTranscript transcript(err, request.verbosity);
  if (request.verbosity > 0) options.transcript = &transcript;
  std::optional<report::ProgressLine> progress;
  if (shows_progress(request)) {
    options.session.progress = &progress.emplace(err, recipient_count(outgoing));
  }

  // Every recipient refused by an alias: nothing to connect for.
  delivery::DeliveryReport delivered;
  if (recipient_count(outgoing) > 0) delivered = delivery::deliver(outgoing, options);
  if (progress) progress->erase();
  if (delivered.fatal) {
    err << report::fatal_line(delivered.fatal_detail) << '\n';
    return exit_code_for_fatal(delivered.fatal);
  }
  std::vector<RecipientResult> results = delivered.results;
  results.insert(results.end(), refused.begin(), refused.end());
  const ExitCode code = exit_code_for(results);
  if (!request.quiet) report::write_failure_lines(err, results);
  if (request.json) out << report::delivery_json(summaries(messages), results, code);
  return code;
}

}  // namespace smtpsend::app
