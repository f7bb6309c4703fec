// core/in_flight: told right before a transaction's end of data (the final dot, or BDAT LAST's
// last octet) is written, with the recipients the server may deliver once it is. The queue
// records them as in flight there (docs/decisions.md "Delivering from the queue"), so a run
// killed between the dot and its reply leaves a trace: the recipient is retried and flagged
// may_duplicate, never lost and never silently doubled (SPEC.md "Queue"). The transport calls
// it; smtp/ stays sans-io (smtp::EndOfData is the value it hands out).
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace smtpsend {

class InFlightSink {
 public:
  virtual ~InFlightSink() = default;
  // Must return only once the record is durable; the dot is written after it returns.
  virtual void before_end_of_data(std::size_t message_index,
                                  std::span<const std::string> recipients) = 0;
};

}  // namespace smtpsend
