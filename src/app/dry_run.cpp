#include "smtpsend/report/dry_run.hpp"

#include <algorithm>

#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/stderr_transcript.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// Resolution reports only the recipients it could already decide; everyone else would be
// attempted, which for a plan counts as success.
ExitCode exit_code_for_resolution(std::vector<RecipientResult> results) {
  std::erase_if(results,
                [](const RecipientResult& r) { return r.status == RecipientStatus::delivered; });
  return results.empty() ? ExitCode::ok : exit_code_for(results);
}

}  // namespace

ExitCode plan_and_report(const cli::Request& request,
                         const std::vector<delivery::OutgoingMessage>& outgoing, std::ostream& out,
                         std::ostream& err) {
  delivery::DeliveryOptions options = request.delivery;
  report::StderrTranscript transcript(err, request.verbosity);
  if (request.verbosity > 0) options.transcript = &transcript;

  std::vector<RecipientResult> resolution;
  const std::vector<delivery::PlannedDestination> plan =
      delivery::plan_only(outgoing, options, resolution);
  const ExitCode code = exit_code_for_resolution(resolution);
  if (!request.quiet) report::write_failure_lines(err, resolution);
  out << (request.json ? report::plan_json(plan, code) : report::plan_text(plan));
  return code;
}

}  // namespace smtpsend::app
