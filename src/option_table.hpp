// SPDX-License-Identifier: MIT
// The one table of everything a user can set: each entry is a command-line option, a
// GPIO_BLINKD_* variable, a per-line setting, or several of these, with the help text
// that --help and the man page show. The daemon's own entries are in option_entries.cpp; the HAL
// and each backend declare theirs (hal/settings.hpp) and join the table when it is built.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hal/registry.hpp"
#include "options.hpp"

namespace blinkd {

enum class Section : std::uint8_t { Timing, Lines, Control, Backend, Output, Actions };

// Where an entry may be given.
enum class Scope : std::uint8_t {
  Global,           // --name and GPIO_BLINKD_NAME
  GlobalAndLine,    // also after a LINE as name=VALUE (or name, for a flag), for that line
  LineOnly,         // only after a LINE
  CommandLine,      // only on the command line (actions, -v, -q)
  EnvironmentOnly,  // only as a variable (GPIO_BLINKD_LINES)
};

// What the entries write into while the command line and environment are read.
struct Configuration {
  Options options;
  LineConfig line_defaults;  // the global timing and line settings
  std::optional<Action> action;
  std::vector<std::string> line_texts;
};

struct OptionSpec {
  std::string_view name;     // "on": --on, GPIO_BLINKD_ON, on=
  char short_name = 0;       // 'v' for -v; 0 for none
  std::string value_name;    // "DUR"; empty for a flag
  std::string help;          // one sentence
  std::string default_text;  // shown as "(default ...)"; empty for none
  Section section = Section::Timing;
  Scope scope = Scope::Global;
  std::string_view backend;   // the backend that declared it; empty for the daemon and HAL core
  bool available = true;      // false: declared by a backend not compiled into this binary
  bool repeatable = false;    // given several times, each adds (a variable: words separated
                              // by spaces)
  std::string_view variable;  // the variable's name after GPIO_BLINKD_, when not the option's
  // After a LINE the key is "name.SUFFIX=VALUE", applied as "SUFFIX=VALUE" (state.ok=slow).
  bool line_key_has_suffix = false;
  // Applies a value; `what` names its source for messages. Flags get "1" from the
  // command line and the variable's text from the environment.
  std::function<void(Configuration&, std::string_view value, const std::string& what)> apply;
  // For per-line scopes: applies a value to one line's configuration.
  std::function<void(LineConfig&, std::string_view value, const std::string& what)> apply_line;

  [[nodiscard]] bool flag() const { return value_name.empty(); }
  [[nodiscard]] bool on_command_line() const {
    return scope != Scope::LineOnly && scope != Scope::EnvironmentOnly;
  }
  [[nodiscard]] bool in_environment() const {
    return scope == Scope::Global || scope == Scope::GlobalAndLine ||
           scope == Scope::EnvironmentOnly;
  }
  [[nodiscard]] bool per_line() const {
    return scope == Scope::GlobalAndLine || scope == Scope::LineOnly;
  }
};

inline constexpr std::string_view kVariablePrefix = "GPIO_BLINKD_";

// GPIO_BLINKD_PERMISSION_WAIT for "permission-wait".
[[nodiscard]] std::string variable_name(std::string_view option_name);
// The variable of an entry (its override, or the one its name gives).
[[nodiscard]] std::string variable_name(const OptionSpec& spec);
// How the entry is written after a LINE: "on=DUR", "active-low", "state.NAME=PATTERN".
[[nodiscard]] std::string line_form(const OptionSpec& spec);

// The pattern a line's configuration gives, and its states' (throws UsageError).
[[nodiscard]] PatternContext pattern_context(const LineConfig& config);

// The table for these backends (every backend the registry declares, by default).
[[nodiscard]] std::vector<OptionSpec> build_option_table(
    std::span<const hal::BackendDescriptor> backends);
[[nodiscard]] const std::vector<OptionSpec>& option_table();

[[nodiscard]] std::string_view section_title(Section section);

// The keywords the table accepts, for showing a configuration back.
[[nodiscard]] std::string_view keyword_of(hal::Drive drive);
[[nodiscard]] std::string_view keyword_of(hal::Bias bias);
[[nodiscard]] std::string_view keyword_of(hal::OnExit on_exit);
[[nodiscard]] std::string_view keyword_of(hal::LogLevel level);

}  // namespace blinkd
