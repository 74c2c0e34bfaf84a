// SPDX-License-Identifier: MIT
#include "scheduler.hpp"

#include <algorithm>

namespace blinkd {

LineSchedule::LineSchedule(Pattern pattern, Instant epoch, std::optional<std::uint64_t> cycles)
    : epoch_(epoch), cycles_wanted_(cycles) {
  change(std::move(pattern), epoch);
  switch_at_.reset();  // at the start nothing is shown yet: the grid's first edge is due
}

void LineSchedule::change(Pattern pattern, Instant now) {
  pattern_ = std::move(pattern);
  cycle_ = pattern_.cycle();
  offsets_.assign(pattern_.segments.size(), Duration::zero());
  for (std::size_t i = 1; i < offsets_.size(); ++i) {
    offsets_[i] = offsets_[i - 1] + pattern_.segments[i - 1];
  }
  const auto latest = latest_edge(now);
  next_edge_ = latest.value_or(0);
  switch_at_ = now;
}

Instant LineSchedule::deadline_of(std::uint64_t edge) const {
  const Instant first = epoch_ + pattern_.phase;
  if (pattern_.steady()) {
    return first;
  }
  const std::uint64_t segments = pattern_.segments.size();
  return first + static_cast<Duration::rep>(edge / segments) * cycle_ +
         offsets_[static_cast<std::size_t>(edge % segments)];
}

bool LineSchedule::level_of(std::uint64_t edge) const {
  return pattern_.steady() ? pattern_.steady_on : edge % pattern_.segments.size() % 2 == 0;
}

std::optional<std::uint64_t> LineSchedule::latest_edge(Instant now) const {
  const Instant first = epoch_ + pattern_.phase;
  if (now < first) {
    return std::nullopt;
  }
  if (pattern_.steady()) {
    return 0;
  }
  const Duration elapsed = now - first;
  const auto cycles = static_cast<std::uint64_t>(elapsed / cycle_);
  const Duration into = elapsed % cycle_;
  const auto segment = static_cast<std::uint64_t>(
      std::upper_bound(offsets_.begin(), offsets_.end(), into) - offsets_.begin() - 1);
  return cycles * pattern_.segments.size() + segment;
}

std::uint64_t LineSchedule::last_edge_of_final_cycle() const {
  return (*final_cycle_ + 1) * pattern_.segments.size() - 1;
}

bool LineSchedule::finished() const {
  if (gave_up_) {
    return !shown_on_ || pattern_.steady();
  }
  return final_cycle_.has_value() && !pattern_.steady() && next_edge_ > last_edge_of_final_cycle();
}

Instant LineSchedule::next_deadline() const {
  if (switch_at_) {
    return *switch_at_;
  }
  if (finished() || (pattern_.steady() && next_edge_ > 0)) {
    return kNever;
  }
  return deadline_of(next_edge_);
}

void LineSchedule::count(std::uint64_t edge, bool changed) {
  if (pattern_.steady() || edge % pattern_.segments.size() != 0) {
    return;  // only a cycle's first on-edge counts
  }
  if (changed) {
    ++cycles_shown_;
    missed_in_a_row_ = 0;
    if (cycles_wanted_ && cycles_shown_ == *cycles_wanted_) {
      final_cycle_ = edge / pattern_.segments.size();
    }
  }
}

LineSchedule::Step LineSchedule::advance(Instant now) {
  Step step;
  if (switch_at_) {
    // A change: the new pattern's level at this instant, on its grid, at once.
    switch_at_.reset();
    const auto latest = latest_edge(now);
    step.on = latest ? level_of(*latest) : false;
    step.changed = step.on != shown_on_;
    shown_on_ = step.on;
    next_edge_ = latest ? *latest + 1 : 0;
    return step;
  }
  std::uint64_t latest = std::max(next_edge_, latest_edge(now).value_or(next_edge_));
  if (final_cycle_ && !pattern_.steady()) {
    latest = std::min(latest, last_edge_of_final_cycle());  // only the count's last cycle is left
  }
  step.on = level_of(latest);
  step.changed = step.on != shown_on_;
  step.skipped = latest - next_edge_;
  step.lateness = now - deadline_of(latest);
  step.woke_late = now - deadline_of(next_edge_);
  if (!pattern_.steady()) {
    // Cycles whose first on-edge fell among the skipped edges, and this one's when it
    // changed nothing.
    const std::uint64_t segments = pattern_.segments.size();
    const auto starts_before = [&](std::uint64_t edge) { return (edge + segments - 1) / segments; };
    step.lost_cycles = starts_before(latest) - starts_before(next_edge_);
    if (latest % segments == 0 && !step.changed) {
      ++step.lost_cycles;
    }
  }
  count(latest, step.changed);
  if (step.lost_cycles > 0) {
    ++missed_in_a_row_;
  }
  shown_on_ = step.on;
  // A machine that wakes too late for every cycle would never finish a count.
  if (cycles_wanted_ && missed_in_a_row_ >= std::max<std::uint64_t>(2 * *cycles_wanted_, 10)) {
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
