// SPDX-License-Identifier: MIT
#include "command_line.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "value_parsers.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace blinkd {
namespace {

// Kubernetes gives every container GPIO_BLINKD_SERVICE_HOST, GPIO_BLINKD_PORT_80_TCP...
// when a Service named gpio-blinkd exists in its namespace (enableServiceLinks).
bool is_service_link(std::string_view variable) {
  const std::string_view rest = variable.substr(kVariablePrefix.size());
  return rest == "SERVICE_HOST" || rest == "SERVICE_PORT" || rest == "PORT" ||
         rest.starts_with("SERVICE_PORT_") || rest.starts_with("PORT_");
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "; did you mean X?" for the closest of `candidates`, when one is close.
std::string suggestion(std::string_view wrong, const std::vector<std::string>& candidates) {
  if (wrong.size() > 64) {
    return {};
  }
  const std::string* best = nullptr;
  std::size_t best_distance = 3;  // more edits than this is no typo
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(wrong, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = &candidate;
    }
  }
  return best == nullptr ? std::string() : fmt::format("; did you mean {}?", *best);
}

struct Reader {
  const std::vector<OptionSpec>& table;
  Configuration configuration;
  std::vector<std::string> notices;
  std::map<std::string_view, std::string> from_environment;  // option name -> variable=value

  void apply(const OptionSpec& spec, std::string_view value, const std::string& what) {
    try {
      spec.apply(configuration, value, what);
    } catch (const UsageError&) {
      throw;
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
  }

  void read_environment(const Environment& environment) {
    std::vector<std::string> service_links;
    std::vector<std::string> known;
    for (const auto& spec : table) {
      if (spec.in_environment()) {
        known.push_back(variable_name(spec.name));
      }
    }
    for (const auto& variable : environment) {
      const std::string& name = variable.first;
      const std::string& value = variable.second;
      if (!name.starts_with(kVariablePrefix)) {
        continue;
      }
      const auto found = std::find_if(table.begin(), table.end(), [&](const OptionSpec& spec) {
        return spec.in_environment() && variable_name(spec.name) == name;
      });
      if (found == table.end()) {
        if (is_service_link(name)) {
          service_links.push_back(hal::printable(name));
          continue;
        }
        throw UsageError(fmt::format(
            "environment variable {} is not one gpio-blinkd knows{} (see gpio-blinkd --help for "
            "the list)",
            hal::printable(name), suggestion(name, known)));
      }
      if (!found->available) {
        notices.push_back(fmt::format(
            "environment variable {} is ignored: it belongs to the {} backend, which this "
            "binary was built without",
            name, found->backend));
        continue;
      }
      apply(*found, value, fmt::format("environment variable {}", name));
      from_environment[found->name] = fmt::format("{}={}", name, hal::printable(value, 40));
    }
    if (!service_links.empty()) {
      notices.push_back(fmt::format(
          "ignoring {} (Kubernetes service-link variables of a Service named gpio-blinkd; set "
          "enableServiceLinks: false in the pod spec to drop them)",
          fmt::join(service_links, ", ")));
    }
  }

  [[nodiscard]] const OptionSpec* find_option(std::string_view arg) const {
    for (const auto& spec : table) {
      if (!spec.on_command_line()) {
        continue;
      }
      if ((arg.starts_with("--") && arg.substr(2) == spec.name) ||
          (spec.short_name != 0 && arg.size() == 2 && arg[0] == '-' && arg[1] == spec.short_name)) {
        return &spec;
      }
    }
    return nullptr;
  }

  [[nodiscard]] std::string unknown_option(std::string_view arg) const {
    std::vector<std::string> names;
    for (const auto& spec : table) {
      if (spec.on_command_line()) {
        names.push_back(fmt::format("--{}", spec.name));
      }
    }
    return fmt::format("unknown option '{}'{}", hal::printable(arg), suggestion(arg, names));
  }

  void apply_option(std::span<const char* const> args, std::size_t& index) {
    const std::string_view arg = args[index];
    const auto equals = arg.starts_with("--") ? arg.find('=') : std::string_view::npos;
    const std::string_view name = arg.substr(0, equals);
    const OptionSpec* spec = find_option(name);
    if (spec == nullptr) {
      throw UsageError(unknown_option(name));
    }
    if (!spec->available) {
      throw UsageError(fmt::format("option {}: the {} backend is not compiled into this binary",
                                   name, spec->backend));
    }
    std::string_view value = "1";
    if (spec->flag()) {
      if (equals != std::string_view::npos) {
        throw UsageError(fmt::format("option {} takes no value", name));
      }
    } else if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
    } else if (index + 1 < args.size()) {
      value = args[++index];
    } else {
      throw UsageError(fmt::format("option {} needs a value ({})", name, spec->value_name));
    }
    const std::string what = fmt::format("option {}", name);
    apply(*spec, value, what);
    if (auto earlier = from_environment.find(spec->name); earlier != from_environment.end()) {
      notices.push_back(
          fmt::format("option --{} wins over the environment's {}", spec->name, earlier->second));
      from_environment.erase(earlier);
    }
  }

  // Options anywhere; everything else (and all after "--") is a LINE.
  std::vector<std::string> read_arguments(std::span<const char* const> args) {
    std::vector<std::string> lines;
    bool options_done = false;
    for (std::size_t index = 0; index < args.size(); ++index) {
      const std::string_view arg = args[index];
      if (options_done || !arg.starts_with("-") || arg == "-") {
        lines.emplace_back(arg);
      } else if (arg == "--") {
        options_done = true;
      } else {
        apply_option(args, index);
      }
    }
    return lines;
  }
};

// --help and --version answer whatever else the command line holds.
std::optional<Action> help_or_version(std::span<const char* const> args) {
  for (std::string_view arg : args) {
    if (arg == "--") {
      break;
    }
    if (arg == "--help" || arg == "-h") {
      return Action::Help;
    }
    if (arg == "--version" || arg == "-V") {
      return Action::Version;
    }
  }
  return std::nullopt;
}

std::string expected_settings(const std::vector<OptionSpec>& table) {
  std::vector<std::string> forms;
  for (const auto& spec : table) {
    if (spec.per_line()) {
      forms.push_back(spec.flag() ? std::string(spec.name)
                                  : fmt::format("{}={}", spec.name, spec.value_name));
    }
  }
  std::vector<std::string_view> views(forms.begin(), forms.end());
  return join_alternatives(views);
}

std::vector<LinePlan> plan_lines(const Configuration& configuration,
                                 const std::vector<OptionSpec>& table) {
  const auto& texts = configuration.line_texts;
  if (texts.empty()) {
    throw UsageError(
        "no LINE given: name at least one line to blink, e.g. 'gpio-blinkd gpiochip0:17' "
        "(the original gadget-blink used 136), or set GPIO_BLINKD_LINES");
  }
  if (texts.size() > kMaxLines) {
    throw UsageError(fmt::format("{} lines given; at most {} can be blinked by one gpio-blinkd",
                                 texts.size(), kMaxLines));
  }
  std::vector<LinePlan> plans;
  std::set<std::string_view> seen;
  for (const auto& text : texts) {
    plans.push_back(parse_line(text, configuration.line_defaults, table));
    if (!seen.insert(std::string_view(text).substr(0, text.find(','))).second) {
      throw UsageError(fmt::format("line '{}' is given twice", plans.back().spec.text));
    }
  }
  return plans;
}

}  // namespace

Environment current_environment() {
  Environment environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      environment.emplace(std::string(text.substr(0, equals)),
                          std::string(text.substr(equals + 1)));
    }
  }
  return environment;
}

LinePlan parse_line(std::string_view text, const LineConfig& defaults,
                    const std::vector<OptionSpec>& table) {
  const auto comma = text.find(',');
  LinePlan plan;
  try {
    plan.spec = hal::parse_line_spec(text.substr(0, comma));
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  }
  LineConfig config = defaults;
  std::string_view rest = comma == std::string_view::npos ? std::string_view{} : text.substr(comma);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the comma
    const auto next = rest.find(',');
    const std::string_view item = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view{} : rest.substr(next);
    const auto equals = item.find('=');
    const std::string_view key = item.substr(0, equals);
    const auto spec = std::find_if(table.begin(), table.end(), [&](const OptionSpec& s) {
      return s.per_line() && s.name == key;
    });
    if (spec == table.end()) {
      throw UsageError(fmt::format("line '{}': unknown setting '{}'; expected {}", plan.spec.text,
                                   hal::printable(item), expected_settings(table)));
    }
    const std::string what = fmt::format("line '{}' setting {}", plan.spec.text, key);
    if (spec->flag() != (equals == std::string_view::npos)) {
      throw UsageError(
          fmt::format("{}: {}", what, spec->flag() ? "takes no value" : "expected KEY=VALUE"));
    }
    const std::string_view value = spec->flag() ? "1" : item.substr(equals + 1);
    spec->apply_line(config, value, what);
  }
  plan.settings = config.settings;
  plan.pattern = config.pattern;
  return plan;
}

ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                     const Environment& environment) {
  return parse_command_line(args, environment, option_table());
}

ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                     const Environment& environment,
                                     const std::vector<OptionSpec>& table) {
  ParsedCommandLine parsed;
  if (auto action = help_or_version(args)) {
    parsed.action = *action;
    return parsed;
  }
  Reader reader{table, {}, {}, {}};
  reader.read_environment(environment);
  if (auto cli_lines = reader.read_arguments(args); !cli_lines.empty()) {
    if (!reader.configuration.line_texts.empty()) {
      reader.notices.emplace_back(
          "the lines on the command line win over the environment's GPIO_BLINKD_LINES");
    }
    reader.configuration.line_texts = std::move(cli_lines);
  }
  Configuration& configuration = reader.configuration;
  parsed.action = configuration.action.value_or(Action::Run);
  if (parsed.action != Action::List) {  // --list needs no lines
    configuration.options.lines = plan_lines(configuration, table);
  }
  parsed.options = std::move(configuration.options);
  parsed.notices = std::move(reader.notices);
  return parsed;
}

}  // namespace blinkd
