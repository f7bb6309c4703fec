// report/progress_line: the one line a bulk run shows on a terminal while it delivers,
// "smtpsend: 340 of 1000 recipients: 338 delivered, 2 deferred, 0 failed", redrawn in place.
//
// The caller shows it only on a terminal (stderr is a TTY, no -q, no -v): cron jobs and
// scripts never see it, so success stays silent there. It appears only once a run has lasted
// kProgressDelay, so a quick send never flickers, is redrawn at most every kProgressRedraw,
// and is erased before anything else is printed. Must not: decide anything about delivery.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <utility>

#include "smtpsend/core/progress.hpp"

namespace smtpsend::report {

inline constexpr std::chrono::milliseconds kProgressDelay{1000};
inline constexpr std::chrono::milliseconds kProgressRedraw{100};

class ProgressLine final : public ProgressSink {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // `total`: the (message, recipient) pairs of the run.
  ProgressLine(std::ostream& out, std::size_t total, Clock clock = std::chrono::steady_clock::now);

  void settled(std::size_t message_index, std::string_view address,
               RecipientStatus status) override;
  // Draws the line once the run has lasted kProgressDelay, even if nothing settled since (the
  // runner calls it every kProgressTick, core/progress.hpp).
  void tick() override;
  // Clears the line if it was drawn; call before printing anything else.
  void erase();

 private:
  void draw_if_due();
  void draw();

  std::ostream& out_;
  std::size_t total_;
  Clock clock_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::set<std::pair<std::size_t, std::string>> seen_;
  std::size_t delivered_ = 0;
  std::size_t deferred_ = 0;
  std::size_t failed_ = 0;
  bool drawn_ = false;
};

}  // namespace smtpsend::report
