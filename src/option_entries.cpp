// SPDX-License-Identifier: MIT
#include "option_entries.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "pattern.hpp"
#include "value_parsers.hpp"

namespace blinkd {
namespace {

template <typename T>
using Keyword = std::pair<std::string_view, T>;

constexpr std::array kLogLevels{Keyword<hal::LogLevel>{"error", hal::LogLevel::Error},
                                Keyword<hal::LogLevel>{"warning", hal::LogLevel::Warning},
                                Keyword<hal::LogLevel>{"notice", hal::LogLevel::Notice},
                                Keyword<hal::LogLevel>{"info", hal::LogLevel::Info},
                                Keyword<hal::LogLevel>{"debug", hal::LogLevel::Debug}};
constexpr std::array kDrives{Keyword<hal::Drive>{"push-pull", hal::Drive::PushPull},
                             Keyword<hal::Drive>{"open-drain", hal::Drive::OpenDrain},
                             Keyword<hal::Drive>{"open-source", hal::Drive::OpenSource}};
constexpr std::array kExits{Keyword<hal::OnExit>{"default", hal::OnExit::Default},
                            Keyword<hal::OnExit>{"keep", hal::OnExit::Keep},
                            Keyword<hal::OnExit>{"park", hal::OnExit::Park},
                            Keyword<hal::OnExit>{"release", hal::OnExit::Release}};
constexpr std::array kBiases{Keyword<hal::Bias>{"as-is", hal::Bias::AsIs},
                             Keyword<hal::Bias>{"disabled", hal::Bias::Disabled},
                             Keyword<hal::Bias>{"disable", hal::Bias::Disabled},
                             Keyword<hal::Bias>{"pull-up", hal::Bias::PullUp},
                             Keyword<hal::Bias>{"pull-down", hal::Bias::PullDown}};

template <typename T>
std::string_view keyword_in(Keywords<T> keywords, T value) {
  for (const auto& [name, candidate] : keywords) {
    if (candidate == value) {
      return name;
    }
  }
  return "?";
}

hal::LogLevel parse_log_level(std::string_view text, std::string_view what) {
  return parse_keyword<hal::LogLevel>(text, what, kLogLevels);
}

hal::Drive parse_drive(std::string_view text, std::string_view what) {
  return parse_keyword<hal::Drive>(text, what, kDrives);
}

hal::Bias parse_bias(std::string_view text, std::string_view what) {
  return parse_keyword<hal::Bias>(text, what, kBiases);
}

std::string backend_choices(std::span<const hal::BackendDescriptor> backends) {
  std::vector<std::string_view> names{"auto"};
  for (const auto& backend : backends) {
    if (backend.create != nullptr) {
      names.push_back(backend.name);
    }
  }
  return join_alternatives(names);
}

OptionSpec action_entry(std::string_view name, char short_name, std::string help, Action action) {
  return global_entry(
      name, short_name, "", std::move(help), "", Section::Actions, Scope::CommandLine,
      [action](Configuration& c, std::string_view, const std::string&) { c.action = action; });
}

bool valid_state_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxStateName &&
         name.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") ==
             std::string_view::npos;
}

// "NAME=PATTERN" into the states of `config`, the pattern checked now so that the error
// names where it came from.
void add_state(LineConfig& config, std::string_view value, const std::string& what) {
  const auto equals = value.find('=');
  const std::string_view name = value.substr(0, equals);
  if (equals == std::string_view::npos || !valid_state_name(name)) {
    throw UsageError(fmt::format(
        "{} '{}': expected NAME=PATTERN, NAME of letters, digits, '-' and '_' (at most {})", what,
        hal::printable(value), kMaxStateName));
  }
  const std::string_view pattern = value.substr(equals + 1);
  (void)parse_pattern(pattern, fmt::format("{} state {}", what, name), pattern_context(config));
  if (!config.states.contains(std::string(name)) && config.states.size() == kMaxStates) {
    throw UsageError(fmt::format("{}: more than {} states", what, kMaxStates));
  }
  config.states[std::string(name)] = std::string(pattern);
}

}  // namespace

OptionSpec line_entry(std::string_view name, std::string value_name, std::string help,
                      std::string default_text, Section section, LineApply apply_line) {
  OptionSpec spec;
  spec.name = name;
  spec.value_name = std::move(value_name);
  spec.help = std::move(help);
  spec.default_text = std::move(default_text);
  spec.section = section;
  spec.scope = Scope::GlobalAndLine;
  spec.apply = [apply_line](Configuration& c, std::string_view v, const std::string& w) {
    apply_line(c.line_defaults, v, w);
  };
  spec.apply_line = std::move(apply_line);
  return spec;
}

OptionSpec global_entry(std::string_view name, char short_name, std::string value_name,
                        std::string help, std::string default_text, Section section, Scope scope,
                        GlobalApply apply) {
  OptionSpec spec;
  spec.name = name;
  spec.short_name = short_name;
  spec.value_name = std::move(value_name);
  spec.help = std::move(help);
  spec.default_text = std::move(default_text);
  spec.section = section;
  spec.scope = scope;
  spec.apply = std::move(apply);
  return spec;
}

std::string_view keyword_of(hal::Drive drive) {
  return keyword_in<hal::Drive>(kDrives, drive);
}
std::string_view keyword_of(hal::Bias bias) {
  return keyword_in<hal::Bias>(kBiases, bias);
}
std::string_view keyword_of(hal::OnExit on_exit) {
  return keyword_in<hal::OnExit>(kExits, on_exit);
}
std::string_view keyword_of(hal::LogLevel level) {
  return keyword_in<hal::LogLevel>(kLogLevels, level);
}

void add_timing_entries(std::vector<OptionSpec>& table) {
  const LineConfig defaults;
  const std::string segment = describe_range(kSegmentRange);
  table.push_back(line_entry(
      "pattern", "PATTERN",
      "what the line shows: blink (--on/--off), on, off, heartbeat, fast, slow, morse:TEXT, "
      "or durations on/off/on/off... like 100ms/100ms/100ms/700ms",
      defaults.pattern, Section::Timing,
      [](LineConfig& l, std::string_view v, const std::string& w) {
        (void)parse_pattern(v, w, pattern_context(l));
        l.pattern = std::string(v);
      }));
  table.push_back(line_entry("on", "DUR", fmt::format("time on in each blink, {}", segment),
                             format_duration(defaults.on), Section::Timing,
                             [](LineConfig& l, std::string_view v, const std::string& w) {
                               l.on = parse_duration(v, w, kSegmentRange);
                             }));
  table.push_back(line_entry("off", "DUR",
                             fmt::format("time off in each blink, {}; on plus off at most {}",
                                         segment, format_duration(kLongestDuration)),
                             format_duration(defaults.off), Section::Timing,
                             [](LineConfig& l, std::string_view v, const std::string& w) {
                               l.off = parse_duration(v, w, kSegmentRange);
                             }));
  table.push_back(line_entry(
      "phase", "DUR",
      fmt::format("delay of the pattern's grid after start, {}", describe_range(kPhaseRange)),
      format_duration(defaults.phase), Section::Timing,
      [](LineConfig& l, std::string_view v, const std::string& w) {
        l.phase = parse_duration(v, w, kPhaseRange);
      }));
  table.push_back(
      line_entry("morse-unit", "DUR",
                 fmt::format("the dot of morse:TEXT patterns, {}", describe_range(kMorseUnitRange)),
                 format_duration(defaults.morse_unit), Section::Timing,
                 [](LineConfig& l, std::string_view v, const std::string& w) {
                   l.morse_unit = parse_duration(v, w, kMorseUnitRange);
                 }));
  OptionSpec state = line_entry(
      "state", "NAME=PATTERN",
      "a named state and its pattern, switched to at run time (gpio-blinkd ctl state NAME); "
      "after a LINE, for that line only (state.NAME=PATTERN)",
      "", Section::Timing,
      [](LineConfig& l, std::string_view v, const std::string& w) { add_state(l, v, w); });
  state.repeatable = true;
  state.variable = "STATES";
  state.line_key_has_suffix = true;
  table.push_back(std::move(state));
  table.push_back(global_entry(
      "initial-state", 0, "NAME", "the state shown from the start (a state some line defines)",
      "none", Section::Timing, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        if (!valid_state_name(v)) {
          throw UsageError(fmt::format("{} '{}': expected a state name", w, hal::printable(v)));
        }
        c.options.initial_state = std::string(v);
      }));
  table.push_back(global_entry(
      "count", 0, "N",
      fmt::format("show N cycles of the pattern (each counted when its first on-edge was "
                  "really shown; 1 to {}), then exit 0",
                  kMaxCount),
      "until stopped", Section::Timing, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        c.options.count = parse_number(v, w, 1, kMaxCount);
      }));
}

void add_control_entries(std::vector<OptionSpec>& table) {
  table.push_back(global_entry(
      "control", 0, "PATH",
      "the control socket other programs switch states through (gpio-blinkd ctl), or none; "
      "failing to create the default one is a warning, an explicit one an error",
      "/run/gpio-blinkd/control as root, else $XDG_RUNTIME_DIR/gpio-blinkd/control; the "
      "socket unit's under systemd",
      Section::Control, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        if (v.empty()) {
          throw UsageError(fmt::format("{}: empty; expected a path or none", w));
        }
        if (v == "none") {
          c.options.control = ControlSocket{ControlSocket::Kind::None, {}, c.options.control.group};
        } else {
          c.options.control =
              ControlSocket{ControlSocket::Kind::Path, std::string(v), c.options.control.group};
        }
      }));
  table.push_back(global_entry(
      "control-group", 0, "GROUP",
      "the group that may use the control socket (mode 0660): a name from /etc/group or a "
      "number",
      "the daemon's", Section::Control, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        if (v.empty() || v.size() > 64 || v.find_first_of(":\n/ ") != std::string_view::npos) {
          throw UsageError(
              fmt::format("{} '{}': expected a group name or number", w, hal::printable(v)));
        }
        c.options.control.group = std::string(v);
      }));
  table.push_back(global_entry(
      "state-file", 0, "PATH",
      "where the last commanded state and changes are kept across a restart (not a reboot), "
      "or none",
      "$RUNTIME_DIRECTORY/state, else beside the control socket", Section::Control, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        if (v.empty()) {
          throw UsageError(fmt::format("{}: empty; expected a path or none", w));
        }
        c.options.state_file = std::string(v);
      }));
}

void add_line_entries(std::vector<OptionSpec>& table) {
  table.push_back(line_entry("active-low", "", "the line is on when its physical level is low",
                             "off", Section::Lines,
                             [](LineConfig& l, std::string_view v, const std::string& w) {
                               l.settings.active_low = parse_bool(v, w);
                             }));
  OptionSpec active_high = line_entry(
      "active-high", "", "the line is on when its physical level is high (undoes --active-low)", "",
      Section::Lines, [](LineConfig& l, std::string_view v, const std::string& w) {
        l.settings.active_low = !parse_bool(v, w);
      });
  active_high.scope = Scope::LineOnly;
  table.push_back(std::move(active_high));
  table.push_back(line_entry(
      "drive", "MODE", "push-pull, open-drain or open-source (gpiod backend)", "push-pull",
      Section::Lines, [](LineConfig& l, std::string_view v, const std::string& w) {
        l.settings.drive = parse_drive(v, w);
      }));
  table.push_back(
      line_entry("bias", "MODE", "as-is, disabled, pull-up or pull-down (gpiod backend)", "as-is",
                 Section::Lines, [](LineConfig& l, std::string_view v, const std::string& w) {
                   l.settings.bias = parse_bias(v, w);
                 }));
  table.push_back(line_entry(
      "on-exit", "WHAT",
      "what a line becomes after its safe level when the daemon stops: keep (stays an output "
      "at off; sysfs keeps the export for a restart), park (an input pulled toward off: "
      "pull-down, pull-up when active-low; gpiod) or release; default: keep on sysfs "
      "(release with --unexport), park on gpiod except where the kernel keeps released "
      "outputs driven (Raspberry Pi), there release (also when given as 'default')",
      "", Section::Lines, [](LineConfig& l, std::string_view v, const std::string& w) {
        l.settings.on_exit = parse_keyword<hal::OnExit>(v, w, kExits);
      }));
}

void add_output_and_action_entries(std::vector<OptionSpec>& table) {
  table.push_back(global_entry("log-level", 0, "LEVEL",
                               "error, warning, notice, info or debug (every edge)", "info",
                               Section::Output, Scope::Global,
                               [](Configuration& c, std::string_view v, const std::string& w) {
                                 c.options.log_level = parse_log_level(v, w);
                               }));
  table.push_back(global_entry("verbose", 'v', "", "log every edge too (--log-level debug)", "",
                               Section::Output, Scope::CommandLine,
                               [](Configuration& c, std::string_view, const std::string&) {
                                 c.options.log_level = hal::LogLevel::Debug;
                               }));
  table.push_back(global_entry(
      "quiet", 'q', "", "log warnings and errors only (--log-level warning)", "", Section::Output,
      Scope::CommandLine, [](Configuration& c, std::string_view, const std::string&) {
        c.options.log_level = hal::LogLevel::Warning;
      }));
  table.push_back(action_entry(
      "list", 0,
      "list the chips and lines the backend sees, with the global number sysfs would use, "
      "and exit",
      Action::List));
  table.push_back(action_entry(
      "check", 0,
      "read the options and variables, print the configuration they make, and exit (0 when "
      "valid, 1 when not); touches no GPIO",
      Action::Check));
  table.push_back(action_entry("help", 'h', "show this help and exit", Action::Help));
  table.push_back(
      action_entry("version", 'V', "show the version and the backends, and exit", Action::Version));
}

OptionSpec backend_entry(std::span<const hal::BackendDescriptor> backends) {
  const std::string choices = backend_choices(backends);
  return global_entry(
      "backend", 0, "NAME",
      fmt::format("how lines are driven: {}; auto takes gpiod when a /dev/gpiochipN opens, "
                  "else sysfs, never sim",
                  choices),
      "auto", Section::Backend, Scope::Global,
      [choices, backends](Configuration& c, std::string_view v, const std::string& w) {
        const bool known =
            v == "auto" || std::any_of(backends.begin(), backends.end(), [&](const auto& b) {
              return b.name == v && b.create != nullptr;
            });
        if (!known) {
          throw UsageError(fmt::format("{} '{}': not a backend of this binary; expected {}", w,
                                       hal::printable(v), choices));
        }
        c.options.backend = std::string(v);
      });
}

}  // namespace blinkd
