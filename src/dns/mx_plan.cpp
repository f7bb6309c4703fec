#include "smtpsend/dns/mx_plan.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <tuple>
#include <utility>

namespace smtpsend::dns {
namespace {

bool by_preference_then_name(const MxRecord& a, const MxRecord& b) {
  return std::tie(a.preference, a.host) < std::tie(b.preference, b.host);
}

// RFC 7505 §3: a null MX is the only MX of its domain. One published next to real MX records
// is a misconfiguration; the real records are still the best guess, so the root entry is ignored.
std::vector<MxRecord> real_exchanges(const std::vector<MxRecord>& records) {
  std::vector<MxRecord> real;
  std::copy_if(records.begin(), records.end(), std::back_inserter(real),
               [](const MxRecord& record) { return !record.host.empty(); });
  return real;
}

// Sorted by preference; a host listed twice keeps its most preferred entry only, so it is
// not tried twice.
std::vector<MxRecord> unique_by_preference(std::vector<MxRecord> records) {
  std::sort(records.begin(), records.end(), by_preference_then_name);
  std::vector<MxRecord> unique;
  for (MxRecord& record : records) {
    const bool seen = std::any_of(unique.begin(), unique.end(),
                                  [&](const MxRecord& kept) { return kept.host == record.host; });
    if (!seen) unique.push_back(std::move(record));
  }
  return unique;
}

// RFC 5321 §5.1: hosts of equal preference are tried in random order to spread the load.
void shuffle_equal_preferences(std::vector<MxRecord>& records, const RandomIndex& random) {
  auto run_begin = records.begin();
  while (run_begin != records.end()) {
    const auto run_end = std::find_if(run_begin, records.end(), [&](const MxRecord& record) {
      return record.preference != run_begin->preference;
    });
    // Fisher-Yates over [run_begin, run_end).
    for (auto size = static_cast<std::size_t>(run_end - run_begin); size > 1; --size) {
      const std::size_t pick = std::min(random(size), size - 1);
      std::iter_swap(run_begin + static_cast<std::ptrdiff_t>(size - 1),
                     run_begin + static_cast<std::ptrdiff_t>(pick));
    }
    run_begin = run_end;
  }
}

PlannedHost planned_host(const MxRecord& record, const std::vector<HostAddresses>& additional) {
  PlannedHost host{record.host, record.preference, {}, false};
  const auto known = std::find_if(additional.begin(), additional.end(),
                                  [&](const HostAddresses& h) { return h.host == record.host; });
  if (known != additional.end() && !known->addresses.empty()) {
    host.addresses = known->addresses;
    host.addresses_known = true;
  }
  return host;
}

MxPlan plan_from_records(MxPlan plan, const MxAnswer& answer, const RandomIndex& random) {
  std::vector<MxRecord> records = unique_by_preference(real_exchanges(answer.records));
  if (records.empty()) {
    // Only root exchanges: a null MX. No records at all cannot come from a decoded answer;
    // it means the same as NODATA.
    plan.kind = answer.records.empty() ? PlanKind::implicit : PlanKind::null_mx;
    if (plan.kind == PlanKind::implicit) plan.hosts.push_back({plan.domain, 0, {}, false});
    return plan;
  }
  shuffle_equal_preferences(records, random);
  plan.kind = PlanKind::mx;
  for (const MxRecord& record : records)
    plan.hosts.push_back(planned_host(record, answer.additional));
  return plan;
}

bool starts_with_ipv6_tag(std::string_view literal) {
  constexpr std::string_view kTag = "ipv6:";  // RFC 5321 §4.1.3; ABNF strings ignore case
  if (literal.size() < kTag.size()) return false;
  return std::equal(kTag.begin(), kTag.end(), literal.begin(), [](char tag, char c) {
    return tag == std::tolower(static_cast<unsigned char>(c));
  });
}

// The address in the canonical text inet_ntop gives, or "" if `text` is not one.
std::string canonical_address(int family, const std::string& text) {
  unsigned char binary[16];
  char canonical[INET6_ADDRSTRLEN] = {};
  if (inet_pton(family, text.c_str(), binary) != 1) return {};
  if (inet_ntop(family, binary, canonical, sizeof canonical) == nullptr) return {};
  return canonical;
}

}  // namespace

const char* to_string(PlanKind kind) noexcept {
  switch (kind) {
    case PlanKind::mx:
      return "mx";
    case PlanKind::implicit:
      return "implicit";
    case PlanKind::literal:
      return "literal";
    case PlanKind::null_mx:
      return "null_mx";
    case PlanKind::no_domain:
      return "no_domain";
    case PlanKind::temporary:
      return "temporary";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, const MxPlan& plan) {
  os << "{" << to_string(plan.kind) << " " << plan.domain << " (" << plan.status << ")";
  for (const PlannedHost& host : plan.hosts) {
    os << " " << host.preference << ":" << host.name;
    if (host.addresses_known) {
      os << "[";
      for (std::size_t i = 0; i < host.addresses.size(); ++i) {
        os << (i ? "," : "") << host.addresses[i];
      }
      os << "]";
    }
  }
  return os << "}";
}

MxPlan plan_from_mx(std::string_view domain, const MxAnswer& answer, const RandomIndex& random) {
  MxPlan plan;
  plan.domain = std::string(domain);
  plan.status = answer.status;
  plan.failure = answer.failure;
  if (is_temporary(answer.status)) {
    plan.kind = PlanKind::temporary;
    return plan;
  }
  if (answer.status == LookupStatus::nxdomain) {
    plan.kind = PlanKind::no_domain;
    return plan;
  }
  if (answer.status == LookupStatus::nodata) {
    // RFC 5321 §5.1: no MX records -> the domain itself is the implicit MX.
    plan.kind = PlanKind::implicit;
    plan.hosts.push_back({plan.domain, 0, {}, false});
    return plan;
  }
  return plan_from_records(std::move(plan), answer, random);
}

bool plan_from_literal(std::string_view domain, MxPlan& plan) {
  if (domain.size() < 2 || domain.front() != '[' || domain.back() != ']') return false;
  std::string_view inner = domain.substr(1, domain.size() - 2);
  int family = AF_INET;
  if (starts_with_ipv6_tag(inner)) {
    inner.remove_prefix(5);
    family = AF_INET6;
  }
  const std::string address = canonical_address(family, std::string(inner));
  if (address.empty()) return false;
  plan = MxPlan{};
  plan.kind = PlanKind::literal;
  plan.domain = std::string(domain);
  plan.status = LookupStatus::ok;
  plan.hosts.push_back({address, 0, {address}, true});
  return true;
}

}  // namespace smtpsend::dns
