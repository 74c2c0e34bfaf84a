// SPDX-License-Identifier: MIT
// A parsed line written back as LINE,SETTING... with every per-line setting spelled
// out, for the round-trip properties of the line_settings and command_line targets:
// parsing what a plan says must give that plan again.
#pragma once

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
  return fmt::format(
      "{},on={},off={},phase={},drive={},bias={},{}", render_spec(plan.spec),
      blinkd::format_duration(plan.pattern.on), blinkd::format_duration(plan.pattern.off),
      blinkd::format_duration(plan.pattern.phase), blinkd::keyword_of(plan.settings.drive),
      blinkd::keyword_of(plan.settings.bias),
      plan.settings.active_low ? "active-low" : "active-high");
}

inline bool same_plan(const blinkd::LinePlan& a, const blinkd::LinePlan& b) {
  return a.spec.address == b.spec.address && a.pattern == b.pattern && a.settings == b.settings;
}

// Every plan the parsers hand out is within the documented bounds.
inline bool plan_in_bounds(const blinkd::LinePlan& plan) {
  const auto within = [](blinkd::Duration value, blinkd::DurationRange range) {
    return value >= range.min && value <= range.max;
  };
  return within(plan.pattern.on, blinkd::kSegmentRange) &&
         within(plan.pattern.off, blinkd::kSegmentRange) &&
         within(plan.pattern.phase, blinkd::kPhaseRange);
}

}  // namespace fuzz
