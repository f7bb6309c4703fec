#include <chrono>
#include <random>

#include "smtpsend/core/errors.hpp"
#include "smtpsend/report/failure_lines.hpp"
#include "steps.hpp"

namespace smtpsend::app {
namespace {

// One default, whether the Request or the reader's own default (tests, read_input) applies.
static_assert(cli::kDefaultMaxSize == message::kDefaultMaxInputSize);

ExitCode exit_code_for_load(const std::error_code& error) {
  if (error == Errc::message_malformed || error == Errc::input_too_large) {
    return ExitCode::data_error;
  }
  if (error == Errc::input_unreadable) return ExitCode::no_input;
  // Nothing was sent; the same command works once the spool has room (docs/decisions.md).
  if (error == Errc::spool_full) return ExitCode::temp_fail;
  return ExitCode::io_error;
}

}  // namespace

// 128 random bits: Message-IDs of runs in the same second on the same host must differ.
std::string unique_text() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string text;
  for (int word = 0; word < 4; ++word) {
    std::uint32_t bits = device();
    for (int nibble = 0; nibble < 8; ++nibble, bits >>= 4) text.push_back(kHex[bits & 0xF]);
  }
  return text;
}

namespace {

// --max-size bounds every message; the sendmail personality without -i/-oi stops reading stdin
// at a line holding only ".".
bool load_one(const cli::Request& request, const std::string& path,
              const message::CompletionContext& context, message::Message& loaded,
              message::LoadError& error) {
  const message::InputOptions options{
      request.max_size, path == cli::kStdinPath && request.stdin_ends_at_dot_line};
  return message::load_message(path, context, loaded, error, options);
}

}  // namespace

// --dry-run's status is what resolution alone determines (SPEC.md): an empty or malformed
// message is said in one line and planned as an empty message, so the plan is still shown.
bool planned_anyway(const cli::Request& request, const std::string& path,
                    const message::LoadError& error, std::ostream& err, message::Message& out) {
  if (!request.dry_run || exit_code_for_load(error.error) != ExitCode::data_error) return false;
  err << report::fatal_line(error.detail + " (--dry-run plans without it; sending would exit 65)")
      << '\n';
  out = message::Message{};
  out.source = path == cli::kStdinPath ? "stdin" : path;
  out.facts.has_header_section = false;
  return true;
}

std::optional<Stop> load_messages(const cli::Request& request, const std::string& fqdn,
                                  std::vector<message::Message>& messages, std::ostream& err) {
  messages.reserve(request.message_paths.size());
  for (const std::string& path : request.message_paths) {
    const message::CompletionContext context{fqdn, std::chrono::system_clock::now(), unique_text()};
    message::Message loaded;
    message::LoadError error;
    if (!load_one(request, path, context, loaded, error) &&
        !planned_anyway(request, path, error, err, loaded)) {
      return Stop{exit_code_for_load(error.error), error.detail};
    }
    messages.push_back(std::move(loaded));
  }
  return std::nullopt;
}

}  // namespace smtpsend::app
