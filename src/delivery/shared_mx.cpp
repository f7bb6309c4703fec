#include "smtpsend/delivery/shared_mx.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "smtpsend/dns/mx_plan.hpp"

namespace smtpsend::delivery {
namespace {

using MxSet = std::vector<std::pair<std::uint16_t, std::string>>;

// RFC 5321 §5.1: the MX records are all that decide where mail goes; the order of records in
// the answer and the case of host names do not.
MxSet usable_mx_set(const dns::MxAnswer& answer) {
  MxSet set;
  if (answer.status != dns::LookupStatus::ok) return set;
  for (const dns::MxRecord& record : answer.records) {
    if (record.host.empty()) return {};  // a null MX (RFC 7505): this domain takes no mail
    std::string host = record.host;
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    set.emplace_back(record.preference, std::move(host));
  }
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  return set;
}

void join_transactions(Destination& into, Destination&& from) {
  for (smtp::Transaction& t : from.transactions) {
    auto same = std::find_if(
        into.transactions.begin(), into.transactions.end(),
        [&t](const smtp::Transaction& mine) { return mine.message_index == t.message_index; });
    if (same == into.transactions.end()) {
      into.transactions.push_back(std::move(t));
      continue;
    }
    same->recipients.insert(same->recipients.end(), t.recipients.begin(), t.recipients.end());
    same->wire_recipients.insert(same->wire_recipients.end(), t.wire_recipients.begin(),
                                 t.wire_recipients.end());
    same->needs_smtputf8 = same->needs_smtputf8 || t.needs_smtputf8;
  }
  std::stable_sort(into.transactions.begin(), into.transactions.end(),
                   [](const smtp::Transaction& a, const smtp::Transaction& b) {
                     return a.message_index < b.message_index;
                   });
}

// "a.test", "a.test and b.test", "a.test, b.test and c.test".
std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
    text += names[i];
  }
  return text;
}

}  // namespace

std::string mx_query_name(const Destination& destination) {
  std::string ascii;
  if (destination.domain.starts_with('[') || !dns::to_ascii_domain(destination.domain, ascii)) {
    return {};
  }
  return ascii;
}

std::vector<Destination> merge_shared_mx(std::vector<Destination> destinations,
                                         const std::map<std::string, dns::MxAnswer>& answers) {
  std::map<MxSet, std::size_t> first_with;  // MX set -> index in `merged`
  std::vector<Destination> merged;
  std::vector<std::vector<std::string>> names;
  for (Destination& destination : destinations) {
    const auto answer = answers.find(mx_query_name(destination));
    MxSet set = answer == answers.end() ? MxSet{} : usable_mx_set(answer->second);
    if (!set.empty()) {
      if (auto it = first_with.find(set); it != first_with.end()) {
        names[it->second].push_back(destination.domain);
        join_transactions(merged[it->second], std::move(destination));
        continue;
      }
      first_with.emplace(std::move(set), merged.size());
    }
    names.push_back({destination.domain});
    merged.push_back(std::move(destination));
  }
  for (std::size_t i = 0; i < merged.size(); ++i) {
    if (names[i].size() > 1) merged[i].label = joined(names[i]);
  }
  return merged;
}

}  // namespace smtpsend::delivery
