// SPDX-License-Identifier: MIT
// What the user asked for, from the command line and GPIO_BLINKD_* variables
// (command_line.hpp reads them through the option table, option_table.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "duration.hpp"
#include "hal/hal.hpp"
#include "hal/settings.hpp"

namespace blinkd {

struct BlinkPattern {
  Duration on = std::chrono::seconds(1);
  Duration off = std::chrono::seconds(1);
  Duration phase = Duration::zero();  // delay of the first on-edge after start
  [[nodiscard]] Duration period() const { return on + off; }
  bool operator==(const BlinkPattern&) const = default;
};

// Everything that may be set for one line: globally (the defaults of every line) or
// after the line's spec.
struct LineConfig {
  BlinkPattern pattern;
  hal::LineSettings settings;
};

struct LinePlan {
  hal::LineSpec spec;
  hal::LineSettings settings;
  BlinkPattern pattern;
};

// Bounds of what the daemon accepts (docs: README "Limits").
inline constexpr std::uint64_t kMaxCount = 1'000'000'000'000;
inline constexpr std::size_t kMaxLines = 256;

struct Options {
  std::vector<LinePlan> lines;
  std::optional<std::uint64_t> count;  // blinks per line; none = until stopped
  std::string backend = "auto";
  hal::Settings backend_settings;  // settings the HAL and its backends declared
  hal::LogLevel log_level = hal::LogLevel::Info;
};

enum class Action : std::uint8_t { Run, Help, Version, List, Check };

using Environment = std::map<std::string, std::string>;

}  // namespace blinkd
