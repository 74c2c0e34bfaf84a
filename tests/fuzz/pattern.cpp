// SPDX-License-Identifier: MIT
// blinkd::parse_pattern: it fails only with UsageError (a clean message); every pattern
// it accepts is within bounds (an even number of segments of 1ms to 24h, at most
// kMaxSegments, a positive cycle of at most 24h, whatever the form: a D/D/... list, blink's
// on plus off, a Morse text); its segments written as D/D/... read back the same.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "pattern.hpp"
#include "usage_error.hpp"

namespace {

using namespace std::chrono_literals;

bool in_bounds(const blinkd::Pattern& pattern) {
  if (pattern.steady()) {
    return true;
  }
  if (pattern.segments.size() % 2 != 0 || pattern.segments.size() > blinkd::kMaxSegments ||
      pattern.cycle() <= blinkd::Duration::zero() || pattern.cycle() > blinkd::kLongestDuration) {
    return false;
  }
  return std::all_of(pattern.segments.begin(), pattern.segments.end(), [](blinkd::Duration d) {
    return d >= blinkd::kShortestSegment && d <= blinkd::kLongestDuration;
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  for (const blinkd::PatternContext& context :
       {blinkd::PatternContext{}, blinkd::PatternContext{1ms, 24h, 10ms},
        blinkd::PatternContext{24h, 24h, 10s}}) {
    std::optional<blinkd::Pattern> pattern;
    fuzz::accepts<blinkd::UsageError>(
        [&] { pattern = blinkd::parse_pattern(text, "fuzzed pattern", context); });
    if (!pattern) {
      continue;
    }
    fuzz::check(in_bounds(*pattern), "an accepted pattern is within bounds", text);
    fuzz::check(pattern->text == text, "a pattern keeps its text", text);
    fuzz::check_message(blinkd::describe_segments(*pattern));
    if (pattern->steady()) {
      continue;
    }
    std::string written;
    for (const auto segment : pattern->segments) {
      written += fmt::format("{}{}", written.empty() ? "" : "/", blinkd::format_duration(segment));
    }
    std::optional<blinkd::Pattern> again;
    fuzz::accepts<blinkd::UsageError>(
        [&] { again = blinkd::parse_pattern(written, "written pattern", context); });
    fuzz::check(again && again->segments == pattern->segments,
                "a pattern's segments read back from D/D/...",
                fmt::format("'{}' written '{}'", text, written.substr(0, 300)));
  }
  return 0;
}
