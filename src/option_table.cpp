// SPDX-License-Identifier: MIT
#include "option_table.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include <fmt/format.h>

#include "option_entries.hpp"
#include "pattern.hpp"
#include "value_parsers.hpp"

namespace blinkd {
namespace {

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

PatternContext pattern_context(const LineConfig& config) {
  return PatternContext{config.on, config.off, config.morse_unit};
}

std::string variable_name(const OptionSpec& spec) {
  return spec.variable.empty() ? variable_name(spec.name)
                               : std::string(kVariablePrefix) + std::string(spec.variable);
}

std::string line_form(const OptionSpec& spec) {
  if (spec.line_key_has_suffix) {
    const auto equals = spec.value_name.find('=');
    return fmt::format("{}.{}", spec.name, spec.value_name.substr(0, equals)) +
           spec.value_name.substr(equals);
  }
  return spec.flag() ? std::string(spec.name) : fmt::format("{}={}", spec.name, spec.value_name);
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
      return "Timing, patterns and states";
    case Section::Control:
      return "Control";
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
  add_timing_entries(table);
  add_line_entries(table);
  add_control_entries(table);
  table.push_back(backend_entry(backends));
  for (const auto& decl : hal::core_settings()) {
    table.push_back(setting_entry(decl, "", true));
  }
  for (const auto& backend : backends) {
    for (const auto& decl : backend.settings) {
      table.push_back(setting_entry(decl, backend.name, backend.create != nullptr));
    }
  }
  add_output_and_action_entries(table);
  return table;
}

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> table = build_option_table(hal::backends());
  return table;
}

}  // namespace blinkd
