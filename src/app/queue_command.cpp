// `smtpsend queue list|run|delete`: the queue as its owner sees it (SPEC.md "Queue";
// docs/cli.md "queue" for the text and JSON layouts).
#include "queue_command.hpp"

#include <boost/json.hpp>

#include <ctime>
#include <filesystem>

#include "queue_delivery.hpp"
#include "smtpsend/cli/queue_command_line.hpp"
#include "smtpsend/queue/spool.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "smtpsend/report/sanitize.hpp"

namespace smtpsend::app {
namespace {

namespace json = boost::json;
using cli::QueueCommand;

int status(ExitCode code) { return static_cast<int>(code); }

int fail(std::ostream& err, std::string_view sentence, int code) {
  err << report::fatal_line(sentence) << '\n';
  return code;
}

// ISO 8601 in UTC: one spelling whatever the reader's time zone ("2026-12-07T00:33:39Z").
std::string utc_time(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Pending, or in flight when a run was killed after the dot (it is retried, may_duplicate):
// the recipients `queue list` shows. Done ones are history.
bool shown(const queue::RecipientState& r) { return !queue::is_done(r.status); }
bool may_duplicate(const queue::RecipientState& r) {
  return r.may_duplicate || r.status == queue::RecipientStatus::in_flight;
}

std::string reply_text(const queue::LastReply& reply) {
  if (reply.empty()) return "none";
  std::string text = reply.code != 0 ? std::to_string(reply.code) : std::string();
  if (!reply.enhanced.empty()) text += (text.empty() ? "" : " ") + reply.enhanced;
  if (!reply.text.empty()) text += (text.empty() ? "" : " ") + report::sanitize_server_text(reply.text);
  return text;
}

void write_text(const std::vector<queue::ListedEntry>& entries, std::ostream& out) {
  if (entries.empty()) {
    out << "Mail queue is empty\n";
    return;
  }
  for (const queue::ListedEntry& entry : entries) {
    if (entry.error) {
      out << entry.id << "  (cannot be read: " << report::sanitize_server_text(entry.error->detail)
          << ")\n";
      continue;
    }
    const queue::Envelope& e = entry.envelope;
    out << entry.id << "  " << utc_time(e.arrival) << "  " << e.size << " bytes  from <"
        << report::sanitize_server_text(e.sender) << ">" << (e.bounce ? "  bounce" : "") << '\n';
    for (const queue::RecipientState& r : e.recipients) {
      if (!shown(r)) continue;
      out << "  " << report::sanitize_server_text(r.address) << "  attempts " << r.attempts
          << "  next try " << (r.next_try == 0 ? std::string("now") : utc_time(r.next_try))
          << "  last reply: " << reply_text(r.last_reply)
          << (may_duplicate(r) ? "  may_duplicate" : "") << '\n';
    }
  }
}

json::value recipient_json(const queue::RecipientState& r) {
  json::value last_reply = nullptr;
  if (!r.last_reply.empty()) {
    last_reply = json::object{{"code", r.last_reply.code},
                              {"enhanced", r.last_reply.enhanced},
                              {"text", report::sanitize_server_text(r.last_reply.text)}};
  }
  return json::object{{"address", r.address},
                      {"status", queue::to_string(r.status)},
                      {"attempts", r.attempts},
                      {"next_try", r.next_try},
                      {"next_try_time", r.next_try == 0 ? std::string() : utc_time(r.next_try)},
                      {"last_reply", std::move(last_reply)},
                      {"host", r.host},
                      {"ip", r.ip},
                      {"may_duplicate", may_duplicate(r)}};
}

json::value entry_json(const queue::ListedEntry& entry) {
  if (entry.error) return json::object{{"id", entry.id}, {"error", entry.error->detail}};
  const queue::Envelope& e = entry.envelope;
  json::array recipients;
  for (const queue::RecipientState& r : e.recipients) {
    if (shown(r)) recipients.push_back(recipient_json(r));
  }
  return json::object{{"id", entry.id},
                      {"arrival", e.arrival},
                      {"arrival_time", utc_time(e.arrival)},
                      {"size", e.size},
                      {"sender", e.sender},
                      {"message_id", e.message_id},
                      {"bounce", e.bounce},
                      {"recipients", std::move(recipients)}};
}

void write_json(const std::filesystem::path& dir, const std::vector<queue::ListedEntry>& entries,
                std::ostream& out) {
  json::array list;
  for (const queue::ListedEntry& entry : entries) list.push_back(entry_json(entry));
  out << json::serialize(json::object{{"queue_dir", dir.string()}, {"entries", std::move(list)}})
      << '\n';
}

int list_queue(const QueueCommand& command, const queue::Spool& spool, std::ostream& out,
               std::ostream& err) {
  std::vector<queue::ListedEntry> entries;
  queue::SpoolError error;
  if (!spool.list(entries, error)) return fail(err, error.detail, status(ExitCode::io_error));
  if (command.json) {
    write_json(spool.directory(), entries, out);
  } else {
    write_text(entries, out);
  }
  out.flush();
  if (!out) return fail(err, "cannot write to stdout", status(ExitCode::io_error));
  return 0;
}

// Each id in turn; the exit status is the worst: an unknown id (64) over a busy entry (75)
// over an entry that could not be removed (74).
int delete_entries(const QueueCommand& command, const queue::Spool& spool, std::ostream& err) {
  int unknown = 0, busy = 0, broken = 0;
  for (const std::string& id : command.ids) {
    queue::LockedEntry entry;
    queue::SpoolError error;
    switch (spool.lock(id, entry, error)) {
      case queue::LockResult::missing:
        fail(err, "queue delete: no queue entry " + report::sanitize_server_text(id), 0);
        ++unknown;
        break;
      case queue::LockResult::busy:
        fail(err, "queue delete: " + id + " is being worked on by another run; try again later", 0);
        ++busy;
        break;
      case queue::LockResult::error:
        fail(err, "queue delete: " + error.detail, 0);
        ++broken;
        break;
      case queue::LockResult::locked:
        if (!entry.remove(error)) {
          fail(err, "queue delete: " + error.detail, 0);
          ++broken;
        }
        break;
    }
  }
  if (unknown) return status(ExitCode::usage);
  if (busy) return status(ExitCode::temp_fail);
  if (broken) return status(ExitCode::io_error);
  return 0;
}

}  // namespace

int run_queue_command(std::span<const std::string> args, std::ostream& out, std::ostream& err) {
  const cli::QueueCommandLine line = cli::parse_queue_command_line(args);
  if (!line.command) {
    out << line.output;
    if (!line.error.empty()) err << report::fatal_line(line.error) << '\n';
    return status(line.exit_code);
  }
  const QueueCommand& command = *line.command;
  std::optional<std::filesystem::path> dir;
  if (!command.queue_dir.empty()) {
    dir = command.queue_dir;
  } else {
    dir = queue::default_queue_dir();
  }
  if (!dir) {
    return fail(err, "no queue directory: neither XDG_STATE_HOME nor HOME is set; use --queue-dir",
                status(ExitCode::config));
  }
  queue::Spool spool;
  queue::SpoolError error;
  if (!queue::Spool::open_existing(*dir, spool, error)) {
    return fail(err, error.detail, status(ExitCode::io_error));
  }
  switch (command.action) {
    case QueueCommand::Action::list:
      return list_queue(command, spool, out, err);
    case QueueCommand::Action::remove:
      return delete_entries(command, spool, err);
    case QueueCommand::Action::run: {
      QueueRunRequest run;
      run.dir = dir->string();
      run.all = command.all;
      run.ids = command.ids;
      run.verbosity = command.verbosity;
      return status(run_queue(run, cli::this_host_identity(), err));
    }
  }
  return status(ExitCode::software);
}

}  // namespace smtpsend::app
