#include "smtpsend/app/run.hpp"

#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "smtpsend/cli/queue_command_line.hpp"
#include "smtpsend/cli/sendmail.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "queue_delivery.hpp"
#include "steps.hpp"

namespace smtpsend {
namespace {

int status(ExitCode code) {
  return static_cast<int>(code);
}

int stop(const app::Stop& stop, std::ostream& err) {
  err << report::fatal_line(stop.sentence) << '\n';
  return status(stop.code);
}

int run_request(const cli::Request& request, const cli::HostIdentity& this_host, std::ostream& out,
                std::ostream& err) {
  // Generated Message-IDs take a domain the user chose over a guessed one (host_identity.hpp).
  const cli::HostIdentity host{cli::message_id_domain(request, this_host), this_host.user,
                               this_host.qualified};
  std::vector<message::Message> messages;
  if (auto early = request.compose.active()
                       ? app::compose_message(request, host, messages)
                       : app::load_messages(request, host.fqdn, messages, err)) {
    return stop(*early, err);
  }
  if (auto early = app::apply_header_options(request, host, messages)) return stop(*early, err);
  std::vector<delivery::OutgoingMessage> outgoing;
  std::vector<RecipientResult> refused;  // by an alias (SPEC.md "Aliases")
  if (auto early = app::build_envelopes(request, host, this_host.fqdn, messages, outgoing, refused)) {
    return stop(*early, err);
  }
  app::finish_messages(request.each, host.fqdn, messages, outgoing);
  const ExitCode code = request.dry_run
                            ? app::plan_and_report(request, outgoing, out, err)
                            : app::send_and_report(request, messages, outgoing, refused, out, err);
  out.flush();
  // A plan or JSON document that did not reach its reader is not a success (EX_IOERR).
  if (!out) return stop({ExitCode::io_error, "cannot write to stdout"}, err);
  return status(code);
}

int run_unguarded(int argc, char** argv, std::ostream& out, std::ostream& err) {
  const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  // The queue's subcommands: `smtpsend queue ...`, sendmail -bp and -q, a link named mailq.
  if (std::optional<int> status = app::queue_invocation(argc, argv, args, out, err)) return *status;
  const cli::HostIdentity host = cli::this_host_identity();
  // SPEC.md "Invocation": called through a link named sendmail, sendmail's options apply.
  const bool as_sendmail = argc > 0 && cli::invoked_as_sendmail(argv[0]);
  const cli::CommandLine command_line = as_sendmail ? cli::parse_sendmail_command_line(args, host)
                                                    : cli::parse_command_line(args, host);
  if (!command_line.request) {
    out << command_line.output;
    if (!command_line.error.empty()) err << report::fatal_line(command_line.error) << '\n';
    return status(command_line.exit_code);
  }
  return run_request(*command_line.request, host, out, err);
}

}  // namespace

// The one place exceptions are caught (DESIGN.md rule 6): whatever escaped is a bug or
// exhaustion, reported in one line.
int run(int argc, char** argv) {
  try {
    return run_unguarded(argc, argv, std::cout, std::cerr);
  } catch (const std::bad_alloc&) {
    std::cerr << "smtpsend: out of memory\n";
    return status(ExitCode::os_error);
  } catch (const std::exception& e) {
    std::cerr << report::fatal_line(std::string("internal error: ") + e.what()) << '\n';
  } catch (...) {
    std::cerr << "smtpsend: internal error\n";
  }
  return status(ExitCode::software);
}

}  // namespace smtpsend
