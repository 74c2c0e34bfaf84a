#include "scheduler.hpp"

#include <algorithm>

namespace blinkd {

LineSchedule::LineSchedule(const BlinkPattern& pattern, Instant start,
                           std::optional<std::uint64_t> cycles)
    : pattern_(pattern), start_(start) {
  if (cycles) {
    edges_total_ = *cycles * 2;
  }
}

Instant LineSchedule::deadline_of(std::uint64_t edge) const {
  const auto blink = static_cast<Duration::rep>(edge / 2);
  Instant at = start_ + pattern_.phase + blink * pattern_.period();
  if (edge % 2 == 1) {
    at += pattern_.on;
  }
  return at;
}

Instant LineSchedule::next_deadline() const {
  if (edges_total_ && next_edge_ >= *edges_total_) {
    return kNever;
  }
  return deadline_of(next_edge_);
}

LineSchedule::Step LineSchedule::advance(Instant now) {
  // The latest edge due at `now`: blink k = elapsed / period, its on- or off-edge.
  std::uint64_t latest = next_edge_;
  const Instant first = start_ + pattern_.phase;
  if (now > first) {
    const Duration elapsed = now - first;
    const auto blink = static_cast<std::uint64_t>(elapsed / pattern_.period());
    const Duration into = elapsed % pattern_.period();
    latest = std::max(latest, blink * 2 + (into >= pattern_.on ? 1 : 0));
  }
  if (edges_total_) {
    latest = std::min(latest, *edges_total_ - 1);
  }
  Step step;
  step.on = latest % 2 == 0;
  step.skipped = latest - next_edge_;
  step.lateness = now - deadline_of(latest);
  step.woke_late = now - deadline_of(next_edge_);
  next_edge_ = latest + 1;
  return step;
}

void Periodic::advance(Instant now) {
  if (now < next_) {
    return;
  }
  const auto missed = (now - next_) / interval_;
  next_ += (missed + 1) * interval_;
}

}  // namespace blinkd
