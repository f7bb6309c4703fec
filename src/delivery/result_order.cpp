// The results of a run in the order the user gave the recipients.
#include "smtpsend/delivery/result_order.hpp"

#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "smtpsend/core/errors.hpp"

namespace smtpsend::delivery {
namespace {

using ResultKey = std::pair<std::size_t, std::string>;
// One mailbox of one message, as group_by_domain() sends it once (RFC 5321 §2.4: the local
// part as written, the domain case-folded).
using MailboxKey = std::tuple<std::size_t, std::string, std::string>;

enum class Missing { skipped, internal_error };

OrderedResults lost(const message::EnvelopeAddress& recipient, std::size_t message_index) {
  OrderedResults out;
  out.error = Errc::internal;
  out.detail = "internal error: no outcome for " + recipient.text + " (message " +
               std::to_string(message_index + 1) +
               "); other recipients may have been delivered";
  return out;
}

// One result per (message, recipient) in input order; a recipient listed twice for one message
// was sent once and is reported once.
OrderedResults ordered(const std::vector<OutgoingMessage>& messages,
                       std::vector<RecipientResult> results, Missing missing) {
  std::map<ResultKey, RecipientResult> by_recipient;
  for (RecipientResult& result : results) {
    ResultKey key{result.message_index, result.address};
    by_recipient.try_emplace(std::move(key), std::move(result));
  }
  OrderedResults out;
  std::set<MailboxKey> reported;
  for (std::size_t m = 0; m < messages.size(); ++m) {
    for (const message::EnvelopeAddress& recipient : messages[m].recipients) {
      MailboxKey mailbox{m, recipient.local, recipient.domain_key()};
      auto it = by_recipient.find(ResultKey{m, recipient.text});
      if (it != by_recipient.end()) {
        out.results.push_back(std::move(it->second));
        by_recipient.erase(it);
        reported.insert(std::move(mailbox));
      } else if (missing == Missing::internal_error && !reported.contains(mailbox)) {
        return lost(recipient, m);
      }
    }
  }
  return out;
}

}  // namespace

OrderedResults in_input_order(const std::vector<OutgoingMessage>& messages,
                              std::vector<RecipientResult> results) {
  return ordered(messages, std::move(results), Missing::internal_error);
}

std::vector<RecipientResult> decided_in_input_order(const std::vector<OutgoingMessage>& messages,
                                                    std::vector<RecipientResult> results) {
  return ordered(messages, std::move(results), Missing::skipped).results;
}

}  // namespace smtpsend::delivery
