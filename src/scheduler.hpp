// SPDX-License-Identifier: MIT
// When each edge of a line's pattern is due. Deadlines are absolute: the pattern's grid
// is epoch + phase + k·cycle + the offset of each segment, so a late wake-up never moves
// a later edge, and lines with the same pattern and phase change at the same instants
// whenever they were switched to it. The scheduler knows time and levels only: no files,
// no clocks, no sleeping.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "duration.hpp"
#include "pattern.hpp"

namespace blinkd {

// A point on the monotonic clock, as time since its epoch.
using Instant = std::chrono::nanoseconds;

inline constexpr Instant kNever = Instant::max();

class LineSchedule {
 public:
  // `cycles`: how many cycles to show, each counted when its first on-edge was really
  // shown (off -> on, as driven); none = forever. Edges skipped while the loop was late
  // and an "on" that finds the line still on do not count, so the line really shows that
  // many cycles, on its grid. A machine that wakes too late for max(2N, 10) cycles in a
  // row gives up (cycles_shown() then tells); one long stall does not. A steady pattern
  // has no cycles: while a line is steady its count waits.
  LineSchedule(Pattern pattern, Instant epoch, std::optional<std::uint64_t> cycles);

  // When the next edge is due; kNever when nothing more is due (a steady level shown,
  // or every cycle counted).
  [[nodiscard]] Instant next_deadline() const;
  // Every wanted cycle shown and the last one complete (or given up).
  [[nodiscard]] bool finished() const;

  struct Step {
    bool on = false;                // the level the line must show now
    bool changed = false;           // false when the line already shows it: nothing to write
    std::uint64_t skipped = 0;      // edges that fell due while late and were never driven
    std::uint64_t lost_cycles = 0;  // cycles whose first on-edge was among them (or this one,
                                    // when it changed nothing)
    Duration lateness{};            // how late the driven edge is
    Duration woke_late{};           // how late for the first edge that fell due
  };

  // Take what is due at `now` (at least the next edge): drive only the latest of it.
  // Precondition: next_deadline() <= now.
  Step advance(Instant now);

  // Show `pattern` from `now` on: on its own grid (epoch + its phase), so the level its
  // grid has at `now` is due at once, and its later edges follow the grid. The count
  // goes on across the change.
  void change(Pattern pattern, Instant now);

  [[nodiscard]] const Pattern& pattern() const { return pattern_; }
  [[nodiscard]] bool shown_on() const { return shown_on_; }
  [[nodiscard]] std::uint64_t cycles_shown() const { return cycles_shown_; }
  [[nodiscard]] std::optional<std::uint64_t> cycles_wanted() const { return cycles_wanted_; }

 private:
  [[nodiscard]] Instant deadline_of(std::uint64_t edge) const;
  [[nodiscard]] bool level_of(std::uint64_t edge) const;
  // The latest edge due at `now`, if the grid has started.
  [[nodiscard]] std::optional<std::uint64_t> latest_edge(Instant now) const;
  [[nodiscard]] std::uint64_t last_edge_of_final_cycle() const;
  void count(std::uint64_t edge, bool changed);

  Pattern pattern_;
  std::vector<Duration> offsets_;  // start of each segment within a cycle
  Duration cycle_{};
  Instant epoch_;
  std::optional<std::uint64_t> cycles_wanted_;
  std::uint64_t cycles_shown_ = 0;
  std::optional<std::uint64_t> final_cycle_;  // the cycle that completed the count
  std::uint64_t missed_in_a_row_ = 0;
  bool gave_up_ = false;
  bool shown_on_ = false;             // the level last driven; lines start off
  std::uint64_t next_edge_ = 0;       // index on the current pattern's grid
  std::optional<Instant> switch_at_;  // a change waiting to be shown
};

// A periodic deadline that, when late, fires once and moves to the next future slot
// (a watchdog ping needs no catching up).
class Periodic {
 public:
  Periodic(Instant start, Duration interval) : next_(start + interval), interval_(interval) {}
  [[nodiscard]] Instant next_deadline() const { return next_; }
  void advance(Instant now);

 private:
  Instant next_;
  Duration interval_;
};

}  // namespace blinkd
