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
#include "pattern.hpp"

namespace blinkd {

// Everything that may be set for one line: globally (the defaults of every line) or
// after the line's spec. Patterns are kept as text until every option is read, since
// "blink" means --on/--off and Morse text means --morse-unit, wherever they come.
struct LineConfig {
  hal::LineSettings settings;
  Duration on = std::chrono::seconds(1);
  Duration off = std::chrono::seconds(1);
  Duration phase = Duration::zero();  // delay of the pattern's grid after start
  Duration morse_unit = kDefaultMorseUnit;
  std::string pattern = "blink";
  std::map<std::string, std::string> states;  // state name -> pattern text
};

// One line of the configuration, its patterns parsed.
struct LinePlan {
  hal::LineSpec spec;
  hal::LineSettings settings;
  Pattern pattern;                        // what it shows when no state applies
  std::map<std::string, Pattern> states;  // the states it defines
  LineConfig config;                      // as given, to parse runtime settings against
};

// Bounds of what the daemon accepts (docs: README "Limits").
inline constexpr std::uint64_t kMaxCount = 1'000'000'000'000;
inline constexpr std::size_t kMaxLines = 256;
inline constexpr std::size_t kMaxStates = 64;
inline constexpr std::size_t kMaxStateName = 32;

// Where the control socket comes from.
struct ControlSocket {
  enum class Kind : std::uint8_t { Default, Path, None } kind = Kind::Default;
  std::string path;   // Kind::Path
  std::string group;  // --control-group: a name or a number; empty for none
};

struct Options {
  std::vector<LinePlan> lines;
  std::optional<std::uint64_t> count;  // cycles per line; none = until stopped
  std::optional<std::string> initial_state;
  ControlSocket control;
  std::optional<std::string> state_file;  // a path, "none", or unset for the default
  std::string backend = "auto";
  hal::Settings backend_settings;  // settings the HAL and its backends declared
  hal::LogLevel log_level = hal::LogLevel::Info;
};

enum class Action : std::uint8_t { Run, Help, Version, List, Check };

using Environment = std::map<std::string, std::string>;

}  // namespace blinkd
