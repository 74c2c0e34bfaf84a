// SPDX-License-Identifier: MIT
// Durations as users write them: "500ms", "1s", "1.5s", "250us", "2m", "1h".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace blinkd {

using Duration = std::chrono::nanoseconds;

// The range a duration input must fall in, both ends included.
struct DurationRange {
  Duration min;
  Duration max;
};

// The longest duration any input may give: one day. Sums of such durations stay far
// from the clock's limits, so schedule arithmetic never overflows.
inline constexpr Duration kLongestDuration = std::chrono::hours(24);
// The shortest on or off time: below this no backend drives a line honestly (a wake-up
// on a loaded board is late by tens or hundreds of microseconds), and a zero period
// would spin a CPU.
inline constexpr Duration kShortestSegment = std::chrono::milliseconds(1);

inline constexpr DurationRange kSegmentRange{kShortestSegment, kLongestDuration};
inline constexpr DurationRange kPhaseRange{Duration::zero(), kLongestDuration};

// Parse with checked arithmetic. Throws UsageError naming `what`, the input and the
// range or form expected.
[[nodiscard]] Duration parse_duration(std::string_view text, std::string_view what,
                                      DurationRange range);

// The shortest exact form: "1s", "1.5s", "250ms", "12.5us", "3ns", "1h", "90s".
[[nodiscard]] std::string format_duration(Duration duration);

// "from 1ms to 24h", for messages and --help.
[[nodiscard]] std::string describe_range(DurationRange range);

}  // namespace blinkd
