#include "queue_options.hpp"

#include <fmt/format.h>

#include "option_values.hpp"

namespace smtpsend::cli {
namespace {

bool duration(const RawOptions& raw, Option id, std::chrono::seconds& out, std::string& error) {
  const std::optional<std::string>& text = raw.text(id);
  return !text || parse_duration(command_line_name(option_spec(id)), *text, out, error);
}

}  // namespace

std::optional<QueueMode> parse_queue_mode(std::string_view text) noexcept {
  if (text == "never") return QueueMode::never;
  if (text == "deferred") return QueueMode::deferred;
  if (text == "always") return QueueMode::always;
  return std::nullopt;
}

std::string_view to_string(QueueMode mode) noexcept {
  switch (mode) {
    case QueueMode::never:
      return "never";
    case QueueMode::deferred:
      return "deferred";
    case QueueMode::always:
      return "always";
  }
  return "never";
}

bool apply_queue_options(const RawOptions& raw, QueueRequest& out, std::string& error) {
  if (const std::optional<std::string>& mode = raw.text(Option::queue)) {
    out.mode = parse_queue_mode(*mode);
    if (!out.mode) {
      error = fmt::format("--queue must be never, deferred or always, not '{}'", *mode);
      return false;
    }
  }
  return duration(raw, Option::retry_min, out.retry_min, error) &&
         duration(raw, Option::retry_max, out.retry_max, error) &&
         duration(raw, Option::queue_lifetime, out.lifetime, error);
}

}  // namespace smtpsend::cli
