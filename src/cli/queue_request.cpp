#include "smtpsend/cli/queue_request.hpp"

namespace smtpsend::cli {

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

}  // namespace smtpsend::cli
