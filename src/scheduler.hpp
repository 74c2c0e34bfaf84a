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
  // `cycles`: how many blinks (on-edge then off-edge) to run; none = forever.
  LineSchedule(const BlinkPattern& pattern, Instant start, std::optional<std::uint64_t> cycles);

  // When the next edge is due; kNever once every cycle has run.
  [[nodiscard]] Instant next_deadline() const;
  [[nodiscard]] bool finished() const { return next_deadline() == kNever; }

  struct Step {
    bool on = false;            // the level to drive now
    std::uint64_t skipped = 0;  // edges that fell due while late and were never driven
    Duration lateness{};        // how late the driven edge is
    Duration woke_late{};       // how late for the first edge that fell due
  };

  // Take the edges due at `now` (at least the next one): drive only the latest of them.
  // Precondition: next_deadline() <= now.
  Step advance(Instant now);

  // Blinks begun so far (on-edges taken, skipped ones included).
  [[nodiscard]] std::uint64_t blinks_started() const { return (next_edge_ + 1) / 2; }

 private:
  [[nodiscard]] Instant deadline_of(std::uint64_t edge) const;

  BlinkPattern pattern_;
  Instant start_;
  std::optional<std::uint64_t> edges_total_;
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
