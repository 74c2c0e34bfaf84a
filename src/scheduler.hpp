// When each edge of a blink is due. Deadlines are absolute, start + phase + k·period
// (+ on for the off-edge), so a late wake-up never moves a later edge. The scheduler
// knows time and levels only: no files, no clocks, no sleeping.
#pragma once

#include <cstdint>
#include <optional>

#include "duration.hpp"
#include "options.hpp"

namespace blinkd {

// A point on the monotonic clock, as time since its epoch.
using Instant = std::chrono::nanoseconds;

inline constexpr Instant kNever = Instant::max();

class LineSchedule {
 public:
  // `blinks`: how many on-edges to drive, each followed by its off-edge; none = forever.
  // Only an on-edge the line really showed (off -> on) counts: edges skipped while the
  // loop was late, and an "on" that finds the line still on, do not. The line really
  // blinks that many times, on the same grid. A machine that wakes too late for max(2N, 10)
  // on-edges in a row gives up (blinks_driven() then tells); one long stall does not.
  LineSchedule(const BlinkPattern& pattern, Instant start, std::optional<std::uint64_t> blinks);

  // When the next edge is due; kNever once every cycle has run.
  [[nodiscard]] Instant next_deadline() const;
  [[nodiscard]] bool finished() const;

  struct Step {
    bool on = false;                // the level the line must show now
    bool changed = false;           // false when the line already shows it (edges were skipped):
                                    // nothing to write, and an "on" then is no blink
    std::uint64_t skipped = 0;      // edges that fell due while late and were never driven
    std::uint64_t lost_blinks = 0;  // on-edges among them (and this one, when unchanged)
    Duration lateness{};            // how late the driven edge is
    Duration woke_late{};           // how late for the first edge that fell due
  };

  // Take the edges due at `now` (at least the next one): drive only the latest of them.
  // Precondition: next_deadline() <= now.
  Step advance(Instant now);

  // On-edges really shown so far: off -> on, as driven.
  [[nodiscard]] std::uint64_t blinks_driven() const { return blinks_driven_; }
  [[nodiscard]] std::optional<std::uint64_t> blinks_wanted() const { return blinks_wanted_; }

 private:
  [[nodiscard]] Instant deadline_of(std::uint64_t edge) const;

  BlinkPattern pattern_;
  Instant start_;
  std::optional<std::uint64_t> blinks_wanted_;
  std::uint64_t blinks_driven_ = 0;
  bool shown_on_ = false;  // the level last driven; lines start off
  std::uint64_t missed_in_a_row_ = 0;
  bool gave_up_ = false;
  std::uint64_t next_edge_ = 0;  // even: on-edge of blink next_edge_/2; odd: its off-edge
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
