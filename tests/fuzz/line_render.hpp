// SPDX-License-Identifier: MIT
// A parsed line written back as LINE,SETTING... with every per-line setting spelled
// out, for the round-trip properties of the line_settings and command_line targets:
// parsing what a plan says must give that plan again.
#pragma once

#include <algorithm>
#include <string>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "duration.hpp"
#include "option_table.hpp"
#include "options.hpp"

namespace fuzz {

// The spec in its canonical form ("017" is written "17"): the address, not the text.
inline std::string render_spec(const hal::LineSpec& spec) {
  return std::visit(
      [](const auto& address) -> std::string {
        using T = std::decay_t<decltype(address)>;
        if constexpr (std::is_same_v<T, hal::GlobalNumber>) {
          return fmt::format("{}", address.value);
        } else if constexpr (std::is_same_v<T, hal::ChipOffset>) {
          return fmt::format("{}:{}", address.chip, address.offset);
        } else {
          return address.name;
        }
      },
      spec.address);
}

inline std::string render_line(const blinkd::LinePlan& plan) {
  const blinkd::LineConfig& config = plan.config;
  std::string text = fmt::format(
      "{},pattern={},on={},off={},phase={},morse-unit={}", render_spec(plan.spec), config.pattern,
      blinkd::format_duration(config.on), blinkd::format_duration(config.off),
      blinkd::format_duration(config.phase), blinkd::format_duration(config.morse_unit));
  for (const auto& [name, pattern] : config.states) {
    text += fmt::format(",state.{}={}", name, pattern);
  }
  return text + fmt::format(",drive={},bias={},on-exit={},{}",
                            blinkd::keyword_of(plan.settings.drive),
                            blinkd::keyword_of(plan.settings.bias),
                            blinkd::keyword_of(plan.settings.on_exit),
                            plan.settings.active_low ? "active-low" : "active-high");
}

inline bool same_plan(const blinkd::LinePlan& a, const blinkd::LinePlan& b) {
  return a.spec.address == b.spec.address && a.pattern == b.pattern && a.states == b.states &&
         a.settings == b.settings;
}

// Every plan the parsers hand out is within the documented bounds: its timing inputs,
// and every segment and cycle of its patterns.
inline bool plan_in_bounds(const blinkd::LinePlan& plan) {
  const auto within = [](blinkd::Duration value, blinkd::DurationRange range) {
    return value >= range.min && value <= range.max;
  };
  const auto pattern_ok = [&](const blinkd::Pattern& pattern) {
    if (!within(pattern.phase, blinkd::kPhaseRange) ||
        pattern.segments.size() > blinkd::kMaxSegments || pattern.segments.size() % 2 != 0 ||
        pattern.cycle() > blinkd::kLongestDuration) {
      return false;
    }
    return std::all_of(
        pattern.segments.begin(), pattern.segments.end(),
        [&](blinkd::Duration segment) { return within(segment, blinkd::kSegmentRange); });
  };
  const blinkd::LineConfig& config = plan.config;
  return within(config.on, blinkd::kSegmentRange) && within(config.off, blinkd::kSegmentRange) &&
         within(config.phase, blinkd::kPhaseRange) &&
         within(config.morse_unit, blinkd::kMorseUnitRange) && pattern_ok(plan.pattern) &&
         plan.states.size() <= blinkd::kMaxStates &&
         std::all_of(plan.states.begin(), plan.states.end(),
                     [&](const auto& state) { return pattern_ok(state.second); });
}

}  // namespace fuzz
