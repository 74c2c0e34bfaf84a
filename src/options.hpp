// What the user asked for, from the command line and GPIO_BLINKD_* variables.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "duration.hpp"
#include "hal/hal.hpp"

namespace blinkd {

struct BlinkPattern {
  Duration on = std::chrono::seconds(1);
  Duration off = std::chrono::seconds(1);
  Duration phase = Duration::zero();  // delay of the first on-edge after start
  [[nodiscard]] Duration period() const { return on + off; }
  bool operator==(const BlinkPattern&) const = default;
};

struct LinePlan {
  hal::LineSpec spec;
  hal::LineSettings settings;
  BlinkPattern pattern;
};

struct Options {
  std::vector<LinePlan> lines;
  std::optional<std::uint64_t> count;  // blinks per line; none = until stopped
  std::string backend = "auto";
  std::filesystem::path sysfs_root = "/sys";
  std::chrono::milliseconds permission_wait{2000};
  bool unexport = false;
  hal::LogLevel log_level = hal::LogLevel::Info;
};

enum class Action : std::uint8_t { Run, Help, Version, List };

struct ParsedCommandLine {
  Action action = Action::Run;
  Options options;
};

// Bad input: the message names the input and what was expected.
class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

using Environment = std::map<std::string, std::string>;

// The process environment as a map (only what gpio-blinkd reads is needed).
[[nodiscard]] Environment current_environment();

// Parse argv (without argv[0]) and the environment; options win over variables.
// Throws UsageError.
[[nodiscard]] ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                                   const Environment& environment);

[[nodiscard]] std::string help_text();

}  // namespace blinkd
