#include "smtpsend/dns/lookup_status.hpp"

#include <array>

namespace smtpsend::dns {
namespace {

struct StatusInfo {
  LookupStatus status;
  const char* name;
  bool temporary;
  Errc error;
  std::string_view phrase;
};

constexpr std::array<StatusInfo, 9> kStatuses{{
    {LookupStatus::ok, "ok", false, Errc::dns_error, "ok"},
    {LookupStatus::nxdomain, "nxdomain", false, Errc::dns_nxdomain, "NXDOMAIN"},
    {LookupStatus::nodata, "nodata", false, Errc::dns_nodata, "no records"},
    {LookupStatus::servfail, "servfail", true, Errc::dns_servfail, "SERVFAIL"},
    {LookupStatus::refused, "refused", true, Errc::dns_refused, "REFUSED"},
    {LookupStatus::timeout, "timeout", true, Errc::dns_timeout, "timed out"},
    {LookupStatus::error, "error", true, Errc::dns_error, "resolver error"},
    {LookupStatus::unreachable, "unreachable", true, Errc::dns_error,
     "no DNS server could be reached"},
    {LookupStatus::local_error, "local_error", true, Errc::dns_error,
     "the query could not be sent"},
}};

constexpr bool table_matches_enum() {
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    if (static_cast<std::size_t>(kStatuses[i].status) != i) return false;
  }
  return kStatuses.size() == static_cast<std::size_t>(LookupStatus::local_error) + 1;
}
static_assert(table_matches_enum(), "kStatuses must list every status, in enum order");

const StatusInfo& info(LookupStatus status) noexcept {
  const auto index = static_cast<std::size_t>(status);
  return kStatuses[index < kStatuses.size() ? index
                                            : static_cast<std::size_t>(LookupStatus::error)];
}

}  // namespace

const char* to_string(LookupStatus status) noexcept {
  return info(status).name;
}

std::ostream& operator<<(std::ostream& os, LookupStatus status) {
  return os << to_string(status);
}

bool is_temporary(LookupStatus status) noexcept {
  return info(status).temporary;
}

Errc lookup_error(LookupStatus status) noexcept {
  return info(status).error;
}

std::string lookup_failure_phrase(LookupStatus status, std::string_view failure) {
  if (!failure.empty()) return std::string(failure);
  return std::string(info(status).phrase);
}

}  // namespace smtpsend::dns
