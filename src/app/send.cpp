#include <memory>

#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/json_report.hpp"
#include "smtpsend/report/stderr_transcript.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// The runner reports setup failures as a sentence only. An exception it caught is our bug
// (EX_SOFTWARE); anything else is the system refusing a resource, such as the resolver (EX_OSERR).
ExitCode exit_code_for_fatal(const std::string& fatal) {
  return fatal.starts_with("internal error") ? ExitCode::software : ExitCode::os_error;
}

std::vector<report::MessageSummary> summaries(const std::vector<message::Message>& messages) {
  std::vector<report::MessageSummary> out;
  for (const auto& message : messages) {
    out.push_back({message.facts.message_id, message.size()});
  }
  return out;
}

}  // namespace

ExitCode send_and_report(const cli::Request& request, const std::vector<message::Message>& messages,
                         const std::vector<delivery::OutgoingMessage>& outgoing, std::ostream& out,
                         std::ostream& err) {
  delivery::DeliveryOptions options = request.delivery;
  if (std::optional<Stop> stop = prepare_auth(request, options)) {
    err << report::fatal_line(stop->sentence) << '\n';
    return stop->code;
  }
  report::StderrTranscript transcript(err, request.verbosity);
  if (request.verbosity > 0) options.transcript = &transcript;

  const delivery::DeliveryReport delivered = delivery::deliver(outgoing, options);
  if (!delivered.fatal.empty()) {
    err << report::fatal_line(delivered.fatal) << '\n';
    return exit_code_for_fatal(delivered.fatal);
  }
  const ExitCode code = exit_code_for(delivered.results);
  if (!request.quiet) report::write_failure_lines(err, delivered.results);
  if (request.json) out << report::delivery_json(summaries(messages), delivered.results, code);
  return code;
}

}  // namespace smtpsend::app
