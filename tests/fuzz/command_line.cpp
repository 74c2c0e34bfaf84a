// SPDX-License-Identifier: MIT
// blinkd::parse_command_line: argv and the environment together, with the full option
// table. The input is text, one item per line:
//   $NAME=VALUE   an environment variable ("$@3=VALUE": the variable of table entry 3)
//   ARG           an argument ("@3" or "@3=VALUE": --name of table entry 3)
// The @ forms reach every option and variable the table has, including those later
// issues add, without a dictionary edit. Like the kernel's argv and environ, an item
// ends at a NUL byte.
// Properties: only UsageError escapes, with a clean message; notices are clean; a
// parsed configuration is within bounds, --check's text of it is clean, and the
// configuration read back from its own rendering is the same.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "command_line.hpp"
#include "fuzz_support.hpp"
#include "hal/registry.hpp"
#include "help.hpp"
#include "line_render.hpp"
#include "option_table.hpp"
#include "usage_error.hpp"

namespace {

using blinkd::Action;
using blinkd::Environment;
using blinkd::Options;
using blinkd::OptionSpec;

struct Invocation {
  std::vector<std::string> args;
  Environment environment;
};

// "@N..." names table entry N (modulo the table's size); the rest is kept.
std::optional<std::pair<const OptionSpec*, std::string_view>> table_reference(
    std::string_view item, const std::vector<OptionSpec>& table) {
  if (!item.starts_with('@')) {
    return std::nullopt;
  }
  std::size_t index = 0;
  const char* end = item.data() + item.size();
  const auto [ptr, ec] = std::from_chars(item.data() + 1, end, index);
  if (ec != std::errc{} || ptr == item.data() + 1) {
    return std::nullopt;
  }
  return std::make_pair(&table[index % table.size()],
                        item.substr(static_cast<std::size_t>(ptr - item.data())));
}

Invocation invocation(std::string_view text, const std::vector<OptionSpec>& table) {
  Invocation result;
  while (!text.empty()) {
    const auto newline = std::min(text.find('\n'), text.size());
    std::string_view item = text.substr(0, newline);
    text.remove_prefix(std::min(newline + 1, text.size()));
    item = item.substr(0, item.find('\0'));
    if (item.starts_with('$')) {
      item.remove_prefix(1);
      const auto equals = item.find('=');
      std::string name(item.substr(0, equals));
      const std::string value(equals == std::string_view::npos ? "" : item.substr(equals + 1));
      if (auto entry = table_reference(name, table)) {
        name = blinkd::variable_name(entry->first->name);
      }
      if (!name.empty()) {
        result.environment.insert_or_assign(name, value);
      }
    } else if (auto entry = table_reference(item, table)) {
      result.args.push_back(fmt::format("--{}{}", entry->first->name, entry->second));
    } else {
      result.args.emplace_back(item);
    }
  }
  return result;
}

std::optional<blinkd::ParsedCommandLine> parse(const Invocation& invocation) {
  std::vector<const char*> argv;
  argv.reserve(invocation.args.size());
  for (const auto& arg : invocation.args) {
    argv.push_back(arg.c_str());
  }
  std::optional<blinkd::ParsedCommandLine> parsed;
  fuzz::accepts<blinkd::UsageError>(
      [&] { parsed = blinkd::parse_command_line(argv, invocation.environment); });
  return parsed;
}

// Settings of the HAL core and of every backend this binary has, with their owners.
template <typename Visit>
void for_each_setting(Visit&& visit) {
  for (const auto& decl : hal::core_settings()) {
    visit(decl);
  }
  for (const auto& backend : hal::backends()) {
    if (backend.create != nullptr) {
      for (const auto& decl : backend.settings) {
        visit(decl);
      }
    }
  }
}

std::string setting_text(const hal::Settings& settings, const hal::SettingDecl& decl) {
  switch (decl.kind) {
    case hal::SettingKind::Flag:
      return settings.flag(decl) ? "1" : "0";
    case hal::SettingKind::Duration:
      return blinkd::format_duration(settings.duration(decl));
    case hal::SettingKind::Path:
    case hal::SettingKind::Keyword:
      return settings.text(decl);
  }
  return {};
}

// The configuration as variables (global values) and arguments (every line, each
// setting spelled out), so that reading it back must give the same configuration.
std::optional<Invocation> render(Action action, const Options& options) {
  Invocation result;
  auto& env = result.environment;
  env[blinkd::variable_name("backend")] = options.backend;
  env[blinkd::variable_name("log-level")] = std::string(blinkd::keyword_of(options.log_level));
  if (options.count) {
    env[blinkd::variable_name("count")] = fmt::format("{}", *options.count);
  }
  if (options.initial_state) {
    env[blinkd::variable_name("initial-state")] = *options.initial_state;
  }
  if (options.control.kind != blinkd::ControlSocket::Kind::Default) {
    env[blinkd::variable_name("control")] =
        options.control.kind == blinkd::ControlSocket::Kind::None ? "none" : options.control.path;
  }
  if (!options.control.group.empty()) {
    env[blinkd::variable_name("control-group")] = options.control.group;
  }
  if (options.state_file) {
    env[blinkd::variable_name("state-file")] = *options.state_file;
  }
  for_each_setting([&](const hal::SettingDecl& decl) {
    if (options.backend_settings.contains(decl.name)) {
      env[blinkd::variable_name(decl.name)] = setting_text(options.backend_settings, decl);
    }
  });
  if (action == Action::List) {
    result.args.emplace_back("--list");
  } else if (action == Action::Check) {
    result.args.emplace_back("--check");
  }
  result.args.emplace_back("--");
  std::vector<std::string> specs;
  for (const auto& plan : options.lines) {
    specs.push_back(fuzz::render_spec(plan.spec));
    result.args.push_back(fuzz::render_line(plan));
  }
  // "017" and "17" are two texts of one line: the canonical rendering would then be
  // "given twice", which the daemon rightly refuses, so there is nothing to compare.
  std::sort(specs.begin(), specs.end());
  if (std::adjacent_find(specs.begin(), specs.end()) != specs.end()) {
    return std::nullopt;
  }
  return result;
}

bool same_settings(const hal::Settings& a, const hal::Settings& b) {
  bool same = true;
  for_each_setting([&](const hal::SettingDecl& decl) {
    same = same && a.contains(decl.name) == b.contains(decl.name) &&
           setting_text(a, decl) == setting_text(b, decl);
  });
  return same;
}

bool same_options(const Options& a, const Options& b) {
  if (a.lines.size() != b.lines.size() || a.count != b.count || a.backend != b.backend ||
      a.log_level != b.log_level || !same_settings(a.backend_settings, b.backend_settings) ||
      a.initial_state != b.initial_state || a.control.kind != b.control.kind ||
      a.control.path != b.control.path || a.control.group != b.control.group ||
      a.state_file != b.state_file) {
    return false;
  }
  for (std::size_t i = 0; i < a.lines.size(); ++i) {
    if (!fuzz::same_plan(a.lines[i], b.lines[i])) {
      return false;
    }
  }
  return true;
}

void check_bounds(const blinkd::ParsedCommandLine& parsed, std::string_view text) {
  const Options& options = parsed.options;
  if (parsed.action == Action::Run || parsed.action == Action::Check) {
    fuzz::check(!options.lines.empty() && options.lines.size() <= blinkd::kMaxLines,
                "a run has 1 to kMaxLines lines", text);
  }
  for (const auto& plan : options.lines) {
    fuzz::check(fuzz::plan_in_bounds(plan), "every line's timing is within bounds", text);
  }
  fuzz::check(!options.count || (*options.count >= 1 && *options.count <= blinkd::kMaxCount),
              "a count is from 1 to kMaxCount", text);
  fuzz::check(options.backend == "auto" || hal::find_backend(options.backend) != nullptr,
              "the backend is auto or one this binary has", options.backend);
  for_each_setting([&](const hal::SettingDecl& decl) {
    if (decl.kind == hal::SettingKind::Duration) {
      const auto value = options.backend_settings.duration(decl);
      fuzz::check(value >= decl.min && value <= decl.max, "a setting's duration is within bounds",
                  decl.name);
    }
  });
  for (const auto& notice : parsed.notices) {
    fuzz::check_message(notice);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto& table = blinkd::option_table();
  const auto parsed = parse(invocation(text, table));
  if (!parsed || parsed->action == Action::Help || parsed->action == Action::Version) {
    return 0;
  }
  check_bounds(*parsed, text);
  // What --check prints: one clean line per global, per setting and per line.
  const std::string shown = blinkd::configuration_text(parsed->options);
  std::string_view rest = shown;
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    fuzz::check(newline != std::string_view::npos, "--check's text ends with a newline", shown);
    fuzz::check_message(rest.substr(0, newline));
    rest.remove_prefix(newline + 1);
  }
  if (const auto rendered = render(parsed->action, parsed->options)) {
    const auto again = parse(*rendered);
    fuzz::check(
        again && again->action == parsed->action && same_options(parsed->options, again->options),
        "a configuration reads back from its rendering", text);
  }
  return 0;
}
