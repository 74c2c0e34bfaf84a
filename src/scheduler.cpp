#include "scheduler.hpp"

#include <algorithm>

namespace blinkd {

LineSchedule::LineSchedule(const BlinkPattern& pattern, Instant start,
                           std::optional<std::uint64_t> blinks)
    : pattern_(pattern), start_(start), blinks_wanted_(blinks) {}

Instant LineSchedule::deadline_of(std::uint64_t edge) const {
  const auto blink = static_cast<Duration::rep>(edge / 2);
  Instant at = start_ + pattern_.phase + blink * pattern_.period();
  if (edge % 2 == 1) {
    at += pattern_.on;
  }
  return at;
}

bool LineSchedule::finished() const {
  // Done once the off-edge after the last wanted blink is driven, or once giving up.
  return blinks_wanted_ && next_edge_ % 2 == 0 && (blinks_driven_ >= *blinks_wanted_ || gave_up_);
}

Instant LineSchedule::next_deadline() const {
  return finished() ? kNever : deadline_of(next_edge_);
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
  if (blinks_wanted_ && blinks_driven_ >= *blinks_wanted_) {
    latest = next_edge_;  // only the final off-edge is left, however late
  }
  Step step;
  step.on = latest % 2 == 0;
  step.changed = step.on != shown_on_;
  step.skipped = latest - next_edge_;
  step.lateness = now - deadline_of(latest);
  step.woke_late = now - deadline_of(next_edge_);
  // On-edges (even) among the skipped ones, and this one when it shows nothing new.
  step.lost_blinks = (latest + 1) / 2 - (next_edge_ + 1) / 2 + (step.on && !step.changed ? 1 : 0);
  if (step.on && step.changed) {
    ++blinks_driven_;
    missed_in_a_row_ = 0;
  } else if (step.lost_blinks > 0) {
    ++missed_in_a_row_;
  }
  shown_on_ = step.on;
  // A machine that wakes too late for every on-edge would never finish a count.
  if (blinks_wanted_ && missed_in_a_row_ >= std::max<std::uint64_t>(2 * *blinks_wanted_, 10)) {
    gave_up_ = true;
  }
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
