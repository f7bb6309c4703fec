// The steps of one run, each a function of the Request. Private to src/app.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::app {

// A step that ends the run early: the exit status and one sentence for stderr.
struct Stop {
  ExitCode code = ExitCode::software;
  std::string sentence;
};

// Reads every -m message (66 unreadable, 65 malformed), completing Date and Message-ID.
std::optional<Stop> load_messages(const cli::Request& request, const std::string& fqdn,
                                  std::vector<message::Message>& messages);

// Parses every recipient and picks each message's envelope sender; a bad address is 65
// before anything is sent. `messages` must outlive `outgoing`.
std::optional<Stop> build_envelopes(const cli::Request& request, const cli::HostIdentity& host,
                                    const std::vector<message::Message>& messages,
                                    std::vector<delivery::OutgoingMessage>& outgoing);

// Sends, prints the failure lines (unless -q) and --json, and returns the exit status.
ExitCode send_and_report(const cli::Request& request, const std::vector<message::Message>& messages,
                         const std::vector<delivery::OutgoingMessage>& outgoing, std::ostream& out,
                         std::ostream& err);

// --dry-run: resolves, prints the plan (text or --json), and returns what resolution alone
// determines (0, 68, 75).
ExitCode plan_and_report(const cli::Request& request,
                         const std::vector<delivery::OutgoingMessage>& outgoing, std::ostream& out,
                         std::ostream& err);

}  // namespace smtpsend::app
