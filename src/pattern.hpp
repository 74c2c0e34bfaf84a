// SPDX-License-Identifier: MIT
// What a line shows: a repeating sequence of on and off segments (on first), or a
// steady level, plus a phase. Named patterns, "100ms/100ms/100ms/700ms" and Morse text
// all become this; the scheduler (scheduler.hpp) turns it into edges on a grid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "duration.hpp"

namespace blinkd {

struct Pattern {
  // Alternating on and off durations, starting with on; an even number of them. Empty
  // for a steady pattern.
  std::vector<Duration> segments;
  bool steady_on = false;             // a steady pattern's level
  Duration phase = Duration::zero();  // delay of the grid against the daemon's epoch
  std::string text;                   // as configured ("heartbeat", "100ms/900ms"), for status

  [[nodiscard]] bool steady() const { return segments.empty(); }
  // One cycle (the sum of the segments); zero for a steady pattern.
  [[nodiscard]] Duration cycle() const;
  bool operator==(const Pattern&) const = default;
};

// Bounds of a pattern, for --help and the docs.
inline constexpr std::size_t kMaxSegments = 1024;
inline constexpr std::size_t kMaxMorseText = 64;
inline constexpr Duration kDefaultMorseUnit = std::chrono::milliseconds(120);
inline constexpr DurationRange kMorseUnitRange{std::chrono::milliseconds(10),
                                               std::chrono::seconds(10)};

// What a pattern name or segment list may refer to besides itself.
struct PatternContext {
  Duration blink_on = std::chrono::seconds(1);  // "blink" is --on/--off
  Duration blink_off = std::chrono::seconds(1);
  Duration morse_unit = kDefaultMorseUnit;
};

// "blink", "on", "off", "heartbeat", "fast", "slow", "morse:TEXT" or "D/D/D/D..." (each D
// a duration of 1ms to 24h, an even number of them, the cycle at most 24h). Throws
// UsageError naming `what`, the input and what was expected.
[[nodiscard]] Pattern parse_pattern(std::string_view text, std::string_view what,
                                    const PatternContext& context);

// The named patterns and their exact segments, for --help and docs/control.md.
struct NamedPattern {
  std::string_view name;
  std::string_view description;
};
[[nodiscard]] const std::vector<NamedPattern>& named_patterns();

// "on 70ms, off 245ms, ..." or "steady on".
[[nodiscard]] std::string describe_segments(const Pattern& pattern);

}  // namespace blinkd
