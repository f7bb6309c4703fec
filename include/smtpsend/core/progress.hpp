// core/progress: recipients settled while delivery goes on, for the progress line a bulk run
// shows on a terminal (report/progress_line.hpp). Protocol and delivery code report; report/
// prints. A recipient may be reported more than once (by its session, then by its destination
// when it finishes); the sink counts it once.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include "smtpsend/core/outcome.hpp"

namespace smtpsend {

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  // The recipient's result is final: no other host will be tried for it.
  virtual void settled(std::size_t message_index, std::string_view address,
                       RecipientStatus status) = 0;
  // Called every kProgressTick while delivery goes on, whether or not a recipient settled: a
  // run whose first recipient takes a minute still shows its line after the first second.
  virtual void tick() {}
};

inline constexpr std::chrono::milliseconds kProgressTick{250};

}  // namespace smtpsend
