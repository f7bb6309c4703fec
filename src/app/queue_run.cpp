// `smtpsend queue run [--all] [ID...]` (SPEC.md "Queue"): each due entry, under its lock, is
// delivered to its pending recipients with its stored sender, DSN parameters and route; the
// relay's account is read again from the configuration file it was queued with (no secret is
// ever stored). Configuration trouble holds the entry (77); a failed or expired recipient gets
// one line and its sender one bounce; an entry with nothing left to do is removed.
#include <algorithm>
#include <cctype>
#include <chrono>

#include "queue_delivery.hpp"
#include "smtpsend/message/address.hpp"
#include "smtpsend/queue/bounce.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/sanitize.hpp"
#include "smtpsend/report/stderr_transcript.hpp"

namespace smtpsend::app {
namespace {

// The worst exit status of the run so far: configuration trouble (77) is what cron must mail.
void note(ExitCode& code, ExitCode now) {
  auto rank = [](ExitCode c) {
    switch (c) {
      case ExitCode::ok:
        return 0;
      case ExitCode::usage:
        return 1;
      case ExitCode::io_error:
        return 2;
      default:
        return 3;
    }
  };
  if (rank(now) > rank(code)) code = now;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The Request the entry is delivered with; a Stop (its sentence) when the route cannot be set
// up again: the file or the account is gone, or a password source with it.
std::optional<Stop> route_request(const queue::Envelope& envelope, const cli::HostIdentity& host,
                                  cli::Request& out) {
  const std::vector<std::string> args = route_arguments(envelope);
  const std::vector<std::string> no_default_files;
  cli::CommandLine parsed = cli::parse_command_line(args, host, no_default_files);
  if (!parsed.request) return Stop{parsed.exit_code, parsed.error};
  out = std::move(*parsed.request);
  if (!envelope.route.relay) {
    // Queued for direct delivery: a relay the file names now is not this entry's route.
    out.delivery.route.relay.reset();
    out.auth.reset();
  }
  return std::nullopt;
}

bool due(const queue::Envelope& envelope, std::int64_t now) {
  return std::any_of(envelope.recipients.begin(), envelope.recipients.end(),
                     [now](const queue::RecipientState& r) {
                       return !queue::is_done(r.status) && r.next_try <= now;
                     });
}

bool all_done(const queue::Envelope& envelope) {
  return std::all_of(envelope.recipients.begin(), envelope.recipients.end(),
                     [](const queue::RecipientState& r) { return queue::is_done(r.status); });
}

bool any_given_up(const queue::Envelope& envelope) {
  return std::any_of(envelope.recipients.begin(), envelope.recipients.end(),
                     [](const queue::RecipientState& r) {
                       return r.status == queue::RecipientStatus::failed ||
                              r.status == queue::RecipientStatus::expired;
                     });
}

// A run killed between a final dot and its state update left `in_flight`: the server may have
// the message, so the recipient is tried again, flagged (SPEC.md "Queue": at most one copy,
// except across that window).
void recover_in_flight(queue::Envelope& envelope) {
  for (queue::RecipientState& r : envelope.recipients) {
    if (r.status == queue::RecipientStatus::in_flight) {
      r.status = queue::RecipientStatus::pending;
      r.may_duplicate = true;
    }
  }
}

// The line for a recipient given up in this run (SPEC.md "Queue": one per failed or expired).
std::string given_up_line(const queue::RecipientState& state, const RecipientResult& result,
                          Settled settled) {
  RecipientResult shown = result;
  shown.status = RecipientStatus::failed;
  if (settled == Settled::expired) {
    std::string line = *report::failure_line(shown);
    const std::string marker = ": failed: ";
    const std::size_t at = line.find(marker);
    if (at != std::string::npos) {
      line.replace(at, marker.size(),
                   ": expired after " + std::to_string(state.attempts) + " attempts: ");
    }
    return line;
  }
  return *report::failure_line(shown);
}

std::string bounce_message_id(const cli::HostIdentity& host) {
  return "<" + unique_text() + "@" + host.fqdn + ">";
}

// SPEC.md "Aliases": aliases apply to bounces too (cron's sender is root@host, which the
// aliases file routes). Where the bounce goes: `to` expanded through the entry's aliases file;
// `to` itself when it is no address to expand (the delivery will say so).
std::vector<std::string> bounce_recipients(const std::string& to, const cli::Request& route,
                                           const cli::HostIdentity& host, std::ostream& err) {
  message::EnvelopeAddress parsed;
  std::string detail;
  if (!message::parse_envelope_address(to, route.qualify_domain, parsed, detail)) return {to};
  std::vector<message::EnvelopeAddress> recipients{parsed};
  std::vector<RecipientResult> refused;
  if (std::optional<Stop> stop =
          expand_recipient_aliases(route, host.fqdn, 0, recipients, refused)) {
    err << report::fatal_line("bounce to " + to + ": " + stop->sentence) << '\n';
    return {parsed.text};
  }
  for (const RecipientResult& r : refused) {
    if (auto line = report::failure_line(r)) err << *line << '\n';
  }
  std::vector<std::string> out;
  for (const message::EnvelopeAddress& r : recipients) out.push_back(r.text);
  return out;
}

// A large message is held as its head only (message::kHeldWhole); its rest is read back from
// the spool. False when it cannot be read.
bool read_whole(const message::ContentView& content, std::string& whole) {
  message::ContentReader reader(content);
  for (;;) {
    std::string_view slice;
    std::string why;
    if (!reader.next(64 * 1024, slice, why)) return false;
    if (slice.empty()) return true;
    whole += slice;
  }
}

// SPEC.md "Queue": one bounce per entry and run, for its failed and expired recipients whose
// sender asked for one (queue/bounce.hpp should_bounce), enqueued as an entry of its own with
// the null sender and the same route.
void enqueue_bounce(queue::Spool& spool, const EntryWork& work, const message::Message& original,
                    const std::vector<const queue::RecipientState*>& given_up,
                    const std::vector<Settled>& how, const cli::Request& route,
                    const cli::HostIdentity& host, std::ostream& err) {
  const queue::Envelope& envelope = work.envelope;
  queue::BounceInput input;
  input.reporting_fqdn = host.fqdn;
  input.to = route.queue.bounce_to.empty() ? envelope.sender : route.queue.bounce_to;
  input.message_id = bounce_message_id(host);
  input.now = unix_now();
  input.arrival = envelope.arrival;
  input.envid = envelope.parameters.dsn.envid;
  input.ret = envelope.parameters.dsn.ret;
  const message::ContentView original_content = original.wire_content();
  input.original = original_content.head;
  input.original_is_whole = original_content.size() == original_content.head.size();
  // RFC 3461 §4.3 RET=FULL returns the message, up to queue::kMaxReturnedMessage; past that, or
  // when its rest cannot be read back, the header section alone.
  std::string read_back;
  if (!input.original_is_whole && input.ret == smtp::DsnReturn::full &&
      original_content.size() <= queue::kMaxReturnedMessage &&
      read_whole(original_content, read_back)) {
    input.original = read_back;
    input.original_is_whole = true;
  }
  for (std::size_t i = 0; i < given_up.size(); ++i) {
    const queue::RecipientState& state = *given_up[i];
    if (!queue::should_bounce(envelope.sender, state.notify, envelope.bounce)) continue;
    queue::BouncedRecipient r;
    r.address = state.address;
    r.orcpt = state.orcpt;
    r.reason =
        how[i] == Settled::expired ? queue::BounceReason::expired : queue::BounceReason::failed;
    r.reply_code = state.last_reply.code;
    r.reply_enhanced = state.last_reply.enhanced;
    r.reply_text = state.last_reply.text;
    r.host = state.host;
    if (state.last_reply.code == 0) r.detail = state.last_reply.text;
    r.last_attempt = input.now;
    input.recipients.push_back(std::move(r));
  }
  if (input.recipients.empty()) return;
  const std::string bytes = queue::compose_bounce(input);
  queue::Envelope bounce;
  bounce.message_id = input.message_id;
  bounce.bounce = true;
  bounce.route = envelope.route;
  for (std::string& address : bounce_recipients(input.to, route, host, err)) {
    queue::RecipientState to;
    to.address = std::move(address);
    bounce.recipients.push_back(std::move(to));
  }
  if (bounce.recipients.empty()) return;
  queue::EntryContent content;
  content.wire = bytes;
  queue::SpoolError error;
  if (!spool.enqueue(bounce, content, error)) {
    err << report::fatal_line("cannot queue the bounce for " + envelope.id + ": " + error.detail)
        << '\n';
  }
}

// Holds the entry: configuration trouble is the administrator's to fix, not the sender's to
// hear about. Only the last reply changes.
ExitCode hold(EntryWork& work, const std::string& sentence, std::ostream& err) {
  for (queue::RecipientState& r : work.envelope.recipients) {
    if (!queue::is_done(r.status)) r.last_reply = {0, {}, sentence};
  }
  queue::SpoolError ignored;
  (void)work.entry.update(work.envelope, ignored);
  err << report::fatal_line("queue entry " + work.envelope.id + " held: " + sentence) << '\n';
  return ExitCode::no_perm;
}

class EntryRun {
 public:
  EntryRun(queue::Spool& spool, const QueueRunRequest& request, const cli::HostIdentity& host,
           std::ostream& err)
      : spool_(spool), request_(request), host_(host), err_(err) {}

  ExitCode run(EntryWork& work, std::int64_t now) {
    // A run killed after recording its last delivery (EntryRecorder), before removing the entry.
    if (all_done(work.envelope)) {
      finish(work, any_given_up(work.envelope));
      return ExitCode::ok;
    }
    cli::Request route;
    if (std::optional<Stop> stop = route_request(work.envelope, host_, route)) {
      return hold(work, stop->sentence, err_);
    }
    delivery::DeliveryOptions options = route.delivery;
    if (std::optional<Stop> stop = prepare_auth(route, options)) {
      return hold(work, stop->sentence, err_);
    }
    message::Message message;
    queue::SpoolError error;
    if (!work.entry.load_message(work.envelope, message, error)) {
      err_ << report::fatal_line(error.detail) << '\n';
      return ExitCode::io_error;
    }
    delivery::OutgoingMessage outgoing;
    outgoing.message = &message;
    outgoing.mail_from = work.envelope.sender;
    outgoing.parameters = work.envelope.parameters;
    for (queue::RecipientState& state : work.envelope.recipients) {
      if (queue::is_done(state.status)) continue;
      message::EnvelopeAddress address;
      std::string detail;
      if (message::parse_envelope_address(state.address, "", address, detail)) {
        outgoing.recipients.push_back(std::move(address));
        continue;
      }
      // Never dropped silently: an address the entry holds but that does not parse (an envelope
      // edited by hand) can never be sent, so it fails here, with its line.
      state.status = queue::RecipientStatus::failed;
      state.last_reply = {0, {}, "the queued address is not valid: " + detail};
      err_ << "smtpsend: " << report::sanitize_server_text(state.address)
           << ": failed: " << report::sanitize_server_text(state.last_reply.text) << '\n';
    }
    if (outgoing.recipients.empty()) {
      finish(work, any_given_up(work.envelope));
      return ExitCode::ok;
    }
    EntryRecorder recorder({&work});
    options.in_flight = &recorder;
    options.session.progress = &recorder;
    report::StderrTranscript transcript(err_, request_.verbosity);
    if (request_.verbosity > 0) options.transcript = &transcript;
    delivery::DeliveryReport report = delivery::deliver({outgoing}, options);
    if (report.fatal) {
      err_ << report::fatal_line(report.fatal_detail) << '\n';
      return exit_code_for_fatal(report.fatal);
    }
    return settle_all(work, message, report.results, route, now);
  }

 private:
  ExitCode settle_all(EntryWork& work, const message::Message& message,
                      const std::vector<RecipientResult>& results, const cli::Request& route,
                      std::int64_t now) {
    const queue::ScheduleSettings schedule{route.queue.retry_min, route.queue.retry_max,
                                           route.queue.lifetime};
    std::vector<const queue::RecipientState*> given_up;
    std::vector<Settled> how;
    std::string held_reason;
    for (const RecipientResult& result : results) {
      queue::RecipientState* state = find_recipient(work.envelope, result.address);
      if (state == nullptr) continue;
      const Settled settled =
          settle(*state, result, schedule, work.envelope.arrival, now, queue::random_jitter());
      if (settled == Settled::held && held_reason.empty()) {
        constexpr std::string_view kPrefix = "smtpsend: ";
        held_reason = report::failure_line(result)->substr(kPrefix.size());
      }
      if (settled == Settled::failed || settled == Settled::expired) {
        err_ << given_up_line(*state, result, settled) << '\n';
        given_up.push_back(state);
        how.push_back(settled);
      }
    }
    if (!given_up.empty() && !work.envelope.bounce) {
      enqueue_bounce(spool_, work, message, given_up, how, route, host_, err_);
    }
    finish(work, !given_up.empty());
    if (held_reason.empty()) return ExitCode::ok;
    err_ << report::fatal_line("queue entry " + work.envelope.id + " held: " + held_reason) << '\n';
    return ExitCode::no_perm;
  }

  // SPEC.md "Queue": an entry whose recipients are all done is removed; a bounce that could not
  // be delivered is kept in failed/ and never bounced.
  void finish(EntryWork& work, bool gave_up) {
    const bool done = all_done(work.envelope);
    queue::SpoolError error;
    bool stored = false;
    if (done && work.envelope.bounce && gave_up) {
      stored = work.entry.update(work.envelope, error) && work.entry.move_to_failed(error);
    } else if (done) {
      stored = work.entry.remove(error);
    } else {
      stored = work.entry.update(work.envelope, error);
    }
    if (!stored) err_ << report::fatal_line(error.detail) << '\n';
  }

  queue::Spool& spool_;
  const QueueRunRequest& request_;
  const cli::HostIdentity& host_;
  std::ostream& err_;
};

}  // namespace

std::vector<std::string> route_arguments(const queue::Envelope& envelope) {
  const queue::Route& route = envelope.route;
  std::vector<std::string> args;
  if (!route.config_file.empty()) args.insert(args.end(), {"-C", route.config_file});
  if (!route.account.empty()) args.insert(args.end(), {"-A", route.account});
  if (route.relay) {
    const bool v6 = route.relay_host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + route.relay_host + "]" : route.relay_host;
    args.insert(args.end(), {"--relay", host + ":" + std::to_string(route.relay_port)});
    if (route.implicit_tls) args.emplace_back("--smtps");
    if (!route.user.empty()) args.insert(args.end(), {"-u", route.user});
    if (!route.auth_mechanism.empty())
      args.insert(args.end(), {"--auth", lower(route.auth_mechanism)});
  }
  if (route.tls) args.insert(args.end(), {"--tls", std::string(smtp::to_string(*route.tls))});
  // The parser wants a recipient; the entry's own are used, not this one.
  args.insert(args.end(), {"--", "queue-run@invalid"});
  return args;
}

ExitCode run_queue(const QueueRunRequest& request, const cli::HostIdentity& host,
                   std::ostream& err) {
  std::optional<std::filesystem::path> dir;
  if (!request.dir.empty()) {
    dir = request.dir;
  } else {
    dir = queue::default_queue_dir();
  }
  if (!dir) {
    err << report::fatal_line("no queue directory (set --queue-dir, XDG_STATE_HOME or HOME)")
        << '\n';
    return ExitCode::io_error;
  }
  queue::Spool spool;
  queue::SpoolError error;
  if (!queue::Spool::open_existing(*dir, spool, error)) {
    err << report::fatal_line(error.detail) << '\n';
    return error.exit_code();
  }
  if (!spool.exists()) return ExitCode::ok;  // nothing was ever queued
  (void)spool.cleanup_tmp();
  ExitCode code = ExitCode::ok;
  std::vector<std::string> ids = request.ids;
  const bool chosen = !ids.empty();
  if (!chosen && !spool.list_ids(ids, error)) {
    err << report::fatal_line(error.detail) << '\n';
    return ExitCode::io_error;
  }
  EntryRun runner(spool, request, host, err);
  for (const std::string& id : ids) {
    if (request.deadline && std::chrono::steady_clock::now() >= *request.deadline) break;
    if (std::find(request.skip.begin(), request.skip.end(), id) != request.skip.end()) continue;
    if (!queue::Spool::valid_id(id)) {
      err << report::fatal_line("'" + id + "' is not a queue id") << '\n';
      note(code, ExitCode::usage);
      continue;
    }
    EntryWork work;
    const queue::LockResult locked = spool.lock(id, work.entry, error);
    if (locked == queue::LockResult::busy) continue;  // another run has it
    if (locked == queue::LockResult::missing) {
      if (chosen) {
        err << report::fatal_line("no queue entry " + id) << '\n';
        note(code, ExitCode::usage);
      }
      continue;
    }
    if (locked != queue::LockResult::locked || !work.entry.read_envelope(work.envelope, error)) {
      err << report::fatal_line(error.detail) << '\n';
      note(code, ExitCode::io_error);
      continue;
    }
    const std::int64_t now = unix_now();
    recover_in_flight(work.envelope);
    if (!request.all && !chosen && !due(work.envelope, now) && !all_done(work.envelope)) continue;
    note(code, runner.run(work, now));
  }
  return code;
}

}  // namespace smtpsend::app
