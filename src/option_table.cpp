// SPDX-License-Identifier: MIT
#include "option_table.hpp"

#include <array>

#include <fmt/format.h>

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

using LineApply = std::function<void(LineConfig&, std::string_view, const std::string&)>;

// An entry that is both a global default (--name, GPIO_BLINKD_NAME) and a per-line setting.
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

OptionSpec global_entry(
    std::string_view name, char short_name, std::string value_name, std::string help,
    std::string default_text, Section section, Scope scope,
    std::function<void(Configuration&, std::string_view, const std::string&)> apply) {
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

OptionSpec action_entry(std::string_view name, char short_name, std::string help, Action action) {
  return global_entry(
      name, short_name, "", std::move(help), "", Section::Actions, Scope::CommandLine,
      [action](Configuration& c, std::string_view, const std::string&) { c.action = action; });
}

void add_timing(std::vector<OptionSpec>& table) {
  const LineConfig defaults;
  const std::string segment = describe_range(kSegmentRange);
  table.push_back(line_entry("on", "DUR", fmt::format("time on in each blink, {}", segment),
                             format_duration(defaults.pattern.on), Section::Timing,
                             [](LineConfig& l, std::string_view v, const std::string& w) {
                               l.pattern.on = parse_duration(v, w, kSegmentRange);
                             }));
  table.push_back(line_entry("off", "DUR", fmt::format("time off in each blink, {}", segment),
                             format_duration(defaults.pattern.off), Section::Timing,
                             [](LineConfig& l, std::string_view v, const std::string& w) {
                               l.pattern.off = parse_duration(v, w, kSegmentRange);
                             }));
  table.push_back(line_entry(
      "phase", "DUR",
      fmt::format("delay of the first on-edge after start, {}", describe_range(kPhaseRange)),
      format_duration(defaults.pattern.phase), Section::Timing,
      [](LineConfig& l, std::string_view v, const std::string& w) {
        l.pattern.phase = parse_duration(v, w, kPhaseRange);
      }));
  table.push_back(global_entry(
      "count", 0, "N",
      fmt::format("blink N times (on-edges really shown, 1 to {}), then exit 0", kMaxCount),
      "until stopped", Section::Timing, Scope::Global,
      [](Configuration& c, std::string_view v, const std::string& w) {
        c.options.count = parse_number(v, w, 1, kMaxCount);
      }));
}

void add_line_settings(std::vector<OptionSpec>& table) {
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
}

void add_output_and_actions(std::vector<OptionSpec>& table) {
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

std::string setting_default_text(const hal::SettingDecl& decl) {
  return std::visit(
      [](const auto& value) -> std::string {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, bool>) {
          return value ? "on" : "off";
        } else if constexpr (std::is_same_v<T, std::chrono::nanoseconds>) {
          return format_duration(value);
        } else {
          return value;
        }
      },
      decl.default_value);
}

hal::SettingValue parse_setting(const hal::SettingDecl& decl, std::string_view text,
                                const std::string& what) {
  switch (decl.kind) {
    case hal::SettingKind::Flag:
      return parse_bool(text, what);
    case hal::SettingKind::Duration:
      return parse_duration(text, what, DurationRange{decl.min, decl.max});
    case hal::SettingKind::Path:
      if (text.empty()) {
        throw UsageError(fmt::format("{}: empty; expected a path", what));
      }
      return std::string(text);
    case hal::SettingKind::Keyword: {
      std::vector<std::string_view> words(decl.keywords.begin(), decl.keywords.end());
      if (std::find(words.begin(), words.end(), text) == words.end()) {
        throw UsageError(fmt::format("{} '{}': expected {}", what, hal::printable(text),
                                     join_alternatives(words)));
      }
      return std::string(text);
    }
  }
  return std::string(text);
}

OptionSpec setting_entry(const hal::SettingDecl& decl, std::string_view backend, bool available) {
  std::string help(decl.help);
  if (decl.kind == hal::SettingKind::Duration) {
    help += fmt::format(", {}", describe_range(DurationRange{decl.min, decl.max}));
  }
  OptionSpec spec =
      global_entry(decl.name, 0, std::string(decl.value_name), std::move(help),
                   setting_default_text(decl), Section::Backend, Scope::Global,
                   [&decl](Configuration& c, std::string_view v, const std::string& w) {
                     c.options.backend_settings.set(decl, parse_setting(decl, v, w));
                   });
  spec.backend = backend;
  spec.available = available;
  return spec;
}

}  // namespace

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

std::string variable_name(std::string_view option_name) {
  std::string name(kVariablePrefix);
  for (char c : option_name) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

std::string_view section_title(Section section) {
  switch (section) {
    case Section::Timing:
      return "Timing";
    case Section::Lines:
      return "Lines";
    case Section::Backend:
      return "Backends";
    case Section::Output:
      return "Output";
    case Section::Actions:
      return "Actions";
  }
  return "Other";
}

std::vector<OptionSpec> build_option_table(std::span<const hal::BackendDescriptor> backends) {
  std::vector<OptionSpec> table;
  OptionSpec lines = global_entry("lines", 0, "LINES",
                                  "the lines to blink, separated by spaces, each with its settings",
                                  "", Section::Lines, Scope::EnvironmentOnly,
                                  [](Configuration& c, std::string_view v, const std::string&) {
                                    c.line_texts = split_words(v);
                                  });
  table.push_back(std::move(lines));
  add_timing(table);
  add_line_settings(table);
  const std::string choices = backend_choices(backends);
  table.push_back(global_entry(
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
      }));
  for (const auto& decl : hal::core_settings()) {
    table.push_back(setting_entry(decl, "", true));
  }
  for (const auto& backend : backends) {
    for (const auto& decl : backend.settings) {
      table.push_back(setting_entry(decl, backend.name, backend.create != nullptr));
    }
  }
  add_output_and_actions(table);
  return table;
}

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> table = build_option_table(hal::backends());
  return table;
}

}  // namespace blinkd
