#include "smtpsend/core/outcome.hpp"

#include <algorithm>

#include "smtpsend/core/errors.hpp"

namespace smtpsend {

ExitCode exit_code_for(std::span<const RecipientResult> results) noexcept {
  if (results.empty()) return ExitCode::usage;
  auto any = [&](auto pred) { return std::any_of(results.begin(), results.end(), pred); };
  auto failed_with = [&](FailureCause cause) {
    return any([&](const RecipientResult& r) {
      return r.status == RecipientStatus::failed && r.cause == cause;
    });
  };
  const bool any_failed =
      any([](const RecipientResult& r) { return r.status == RecipientStatus::failed; });
  if (any_failed) {
    if (failed_with(FailureCause::message)) return ExitCode::data_error;
    if (failed_with(FailureCause::policy)) return ExitCode::no_perm;
    if (failed_with(FailureCause::no_host)) return ExitCode::no_host;
    const bool all_rcpt = std::all_of(results.begin(), results.end(), [](const RecipientResult& r) {
      return r.status != RecipientStatus::failed || r.cause == FailureCause::rcpt_rejected;
    });
    return all_rcpt ? ExitCode::no_user : ExitCode::unavailable;
  }
  const bool any_deferred =
      any([](const RecipientResult& r) { return r.status == RecipientStatus::deferred; });
  if (!any_deferred) return ExitCode::ok;
  const bool protocol = any([](const RecipientResult& r) {
    return r.status == RecipientStatus::deferred && r.cause == FailureCause::protocol;
  });
  return protocol ? ExitCode::protocol : ExitCode::temp_fail;
}

ExitCode exit_code_for_fatal(std::error_code fatal) noexcept {
  return fatal == Errc::internal ? ExitCode::software : ExitCode::os_error;
}

const char* to_string(RecipientStatus status) noexcept {
  switch (status) {
    case RecipientStatus::delivered: return "delivered";
    case RecipientStatus::queued: return "queued";
    case RecipientStatus::deferred: return "deferred";
    case RecipientStatus::failed: return "failed";
  }
  return "deferred";
}

const char* to_string(FailureCause cause) noexcept {
  switch (cause) {
    case FailureCause::none: return "none";
    case FailureCause::message: return "message";
    case FailureCause::policy: return "policy";
    case FailureCause::no_host: return "no_host";
    case FailureCause::rcpt_rejected: return "rcpt_rejected";
    case FailureCause::permanent: return "permanent";
    case FailureCause::temporary: return "temporary";
    case FailureCause::protocol: return "protocol";
  }
  return "none";
}

}  // namespace smtpsend
