// SPDX-License-Identifier: MIT
// The command line and the GPIO_BLINKD_* environment, read through the option table.
// Options win over variables, and a notice says so when both are given.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "option_table.hpp"
#include "options.hpp"
#include "usage_error.hpp"

namespace blinkd {

struct ParsedCommandLine {
  Action action = Action::Run;
  Options options;
  // Worth telling the user but no reason to stop: which source won, variables that
  // are ignored and why. Logged at notice level once logging is set up.
  std::vector<std::string> notices;
};

// The process environment as a map.
[[nodiscard]] Environment current_environment();

// Parse argv (without argv[0]) and the environment with the given table (the full one
// by default). Throws UsageError.
[[nodiscard]] ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                                   const Environment& environment);
[[nodiscard]] ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                                   const Environment& environment,
                                                   const std::vector<OptionSpec>& table);

// One LINE[,SETTING]... argument, with `defaults` for what it does not set.
[[nodiscard]] LinePlan parse_line(std::string_view text, const LineConfig& defaults,
                                  const std::vector<OptionSpec>& table);

}  // namespace blinkd
