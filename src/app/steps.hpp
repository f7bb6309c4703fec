// The steps of one run, each a function of the Request. Private to src/app.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "smtpsend/cli/command_line.hpp"
#include "smtpsend/cli/host_identity.hpp"
#include "smtpsend/core/outcome.hpp"
#include "smtpsend/delivery/plan.hpp"
#include "smtpsend/delivery/runner.hpp"
#include "smtpsend/message/dkim/key.hpp"
#include "smtpsend/message/finalize.hpp"
#include "smtpsend/message/message.hpp"

namespace smtpsend::app {

// A step that ends the run early: the exit status and one sentence for stderr.
struct Stop {
  ExitCode code = ExitCode::software;
  std::string sentence;
};

// --dkim: every key file read and checked (78 with one sentence naming the file), RSA keys
// first: their signatures go topmost.
std::optional<Stop> load_dkim_keys(const cli::Request& request,
                                   std::vector<message::dkim::SigningKey>& keys);

// `smtpsend dkim ...` (`args`: the words after "dkim"): keygen; returns the exit status.
int run_dkim_command(std::span<const std::string> args, std::ostream& out, std::ostream& err);

// Reads every -m message (66 unreadable, 65 malformed), completing Date and Message-ID. With
// --dry-run an empty or malformed message is one line on `err` and planned as empty.
std::optional<Stop> load_messages(const cli::Request& request, const std::string& fqdn,
                                  std::vector<message::Message>& messages, std::ostream& err);

// Composing (SPEC.md "Composing"): builds the one message from the body (stdin or --body) and
// the -a files (66 when one cannot be read), completed like a loaded message.
std::optional<Stop> compose_message(const cli::Request& request, const cli::HostIdentity& host,
                                    std::vector<message::Message>& messages);

// Bare local names in the address fields qualified, -t (recipients from the header, Bcc
// removed; 65 for a malformed recipient field) and From: added to a message without one (-F
// its display name), on every loaded or composed message: the last changes to its header
// before it is finished (finish_messages()).
std::optional<Stop> apply_header_options(const cli::Request& request, const cli::HostIdentity& host,
                                         std::vector<message::Message>& messages);

// 32 hex digits of randomness for Message-IDs and MIME boundaries.
std::string unique_text();

// Parses every recipient (the command line's, then those -t found in the message), expands
// local ones through the aliases file (expand_recipient_aliases) and picks each message's
// envelope sender; a bad address is 65 and a message left without any recipient is 64, before
// anything is sent. `messages` must outlive `outgoing`. `host_name` is this host's name (a
// local domain for aliases). Recipients refused by an alias are added to `refused`, failed; a
// message may then have no recipient left (it is not sent).
std::optional<Stop> build_envelopes(const cli::Request& request, const cli::HostIdentity& host,
                                    const std::string& host_name,
                                    const std::vector<message::Message>& messages,
                                    std::vector<delivery::OutgoingMessage>& outgoing,
                                    std::vector<RecipientResult>& refused);

// SPEC.md "Aliases" for one message's parsed recipients, the envelope's and a bounce's alike
// (the queue's bounce path calls it for the bounce's recipient): nothing without an aliases
// file; a loop, too deep or a bad target address is 78 (the Stop, naming file and line); a
// target that is not an address makes a failed result for its recipient in `refused`.
std::optional<Stop> expand_recipient_aliases(const cli::Request& request,
                                             const std::string& host_name,
                                             std::size_t message_index,
                                             std::vector<message::EnvelopeAddress>& recipients,
                                             std::vector<RecipientResult>& refused);

// Finishes every message (message/finalize.hpp: the only caller of finalize_message()), after
// the last change to its header and once its envelope is known. `messages` is replaced by the
// finished messages, into which `outgoing` then points; with `each` (--each), every (message,
// recipient) of `outgoing` becomes a copy of the message addressed to that recipient alone.
// With `dkim`'s keys every form of every message is signed (65 without a d=, 74 when a
// message cannot be read back), and the run stops before anything is sent.
std::optional<Stop> finish_messages(bool each, const std::string& fqdn,
                                    std::vector<message::Message>& messages,
                                    std::vector<delivery::OutgoingMessage>& outgoing,
                                    const message::DkimSettings& dkim = {});

// -u: fetches the password or OAuth token and puts the AUTH settings into `options` (66/71 from
// the source, 64 when no source gives one). Nothing to do without -u.
std::optional<Stop> prepare_auth(const cli::Request& request, delivery::DeliveryOptions& options);

// Sends, prints the failure lines (unless -q) and --json, and returns the exit status.
// `refused` (recipients an alias refused, failed already) is reported with the delivery's
// results and counts in the exit status.
ExitCode send_and_report(const cli::Request& request, const std::vector<message::Message>& messages,
                         const std::vector<delivery::OutgoingMessage>& outgoing,
                         const std::vector<RecipientResult>& refused, std::ostream& out,
                         std::ostream& err);

// --dry-run: resolves, prints the plan (text or --json), and returns what resolution alone
// determines (0, 68, 75).
ExitCode plan_and_report(const cli::Request& request,
                         const std::vector<delivery::OutgoingMessage>& outgoing, std::ostream& out,
                         std::ostream& err);

}  // namespace smtpsend::app
