#include "smtpsend/report/progress_line.hpp"

namespace smtpsend::report {
namespace {

// Carriage return, then ECMA-48 "erase in line" (EL, CSI K): the line is redrawn in place.
constexpr std::string_view kRewind = "\r\x1b[K";

}  // namespace

ProgressLine::ProgressLine(std::ostream& out, std::size_t total, Clock clock)
    : out_(out), total_(total), clock_(std::move(clock)), start_(clock_()) {}

void ProgressLine::settled(std::size_t message_index, std::string_view address,
                           RecipientStatus status) {
  if (!seen_.emplace(message_index, std::string(address)).second) return;
  switch (status) {
    case RecipientStatus::delivered:
      ++delivered_;
      break;
    case RecipientStatus::queued:  // the queue settles it later; the user sees it as waiting
    case RecipientStatus::deferred:
      ++deferred_;
      break;
    case RecipientStatus::failed:
      ++failed_;
      break;
  }
  draw_if_due();
}

void ProgressLine::tick() {
  draw_if_due();
}

void ProgressLine::draw_if_due() {
  const auto now = clock_();
  if (now - start_ < kProgressDelay || (drawn_ && now - last_draw_ < kProgressRedraw)) return;
  last_draw_ = now;
  draw();
}

void ProgressLine::draw() {
  out_ << kRewind << "smtpsend: " << seen_.size() << " of " << total_
       << " recipients: " << delivered_ << " delivered, " << deferred_ << " deferred, " << failed_
       << " failed" << std::flush;
  drawn_ = true;
}

void ProgressLine::erase() {
  if (!drawn_) return;
  out_ << kRewind << std::flush;
  drawn_ = false;
}

}  // namespace smtpsend::report
