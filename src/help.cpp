// SPDX-License-Identifier: MIT
#include "help.hpp"

#include <fmt/format.h>

#include "hal/registry.hpp"
#include "hal/text.hpp"

namespace blinkd {
namespace {

constexpr std::size_t kWidth = 80;
constexpr std::size_t kHelpColumn = 25;

constexpr std::string_view kIntroduction = R"(Usage: gpio-blinkd [OPTION]... LINE[,SETTING]...

Blink GPIO output lines: on for --on, off for --off, from start until stopped,
or --count times. Stopping drives every line to its safe level (off).

LINE names a GPIO line as
  a global number        136
  CHIP:OFFSET            gpiochip0:17, /dev/gpiochip0:17, pinctrl-bcm2711:17
                         (CHIP is the character device name or the chip label)
  a line name            GPIO17
)";

constexpr std::string_view kClosing = R"(
DUR is a number with a unit: ns, us, ms, s, m or h (250us, 500ms, 1.5s, 2m).

Under systemd, NOTIFY_SOCKET and WATCHDOG_USEC are honoured (Type=notify,
WatchdogSec=).

Signals: SIGTERM, SIGINT and SIGHUP drive every line off, release it and exit 0,
also during setup; SIGUSR1 logs one line of statistics.

Exit status: 0 after a signal or a finished --count; 1 on any error, including
invalid arguments, so that Docker and systemd restart policies apply.
)";

std::string option_row(const OptionSpec& spec) {
  std::string left = spec.short_name != 0 ? fmt::format("  -{}, --{}", spec.short_name, spec.name)
                                          : fmt::format("      --{}", spec.name);
  if (!spec.flag()) {
    left += fmt::format(" {}", spec.value_name);
  }
  std::string help = spec.help;
  if (!spec.default_text.empty()) {
    help += fmt::format(" (default {})", spec.default_text);
  }
  if (left.size() + 1 >= kHelpColumn) {
    return fmt::format("{}\n{}{}\n", left, std::string(kHelpColumn, ' '),
                       wrap(help, kWidth, kHelpColumn));
  }
  return fmt::format("{:<{}}{}\n", left, kHelpColumn, wrap(help, kWidth, kHelpColumn));
}

std::string per_line_settings(const std::vector<OptionSpec>& table) {
  std::string forms;
  for (const auto& spec : table) {
    if (spec.per_line()) {
      forms += fmt::format(
          "{}{}", forms.empty() ? "" : " ",
          spec.flag() ? std::string(spec.name) : fmt::format("{}={}", spec.name, spec.value_name));
    }
  }
  return fmt::format(
      "SETTINGs after a comma apply to that line only:\n  {}\n"
      "  e.g.  gpio-blinkd --on 100ms --off 900ms GPIO17 GPIO27,phase=500ms,active-low\n",
      wrap(forms, kWidth, 2));
}

std::string variables(const std::vector<OptionSpec>& table) {
  std::string names;
  for (const auto& spec : table) {
    if (spec.in_environment()) {
      names += fmt::format("{}{}", names.empty() ? "" : ", ", variable_name(spec.name));
    }
  }
  return fmt::format(
      "\nEnvironment: every option above but the actions and -v/-q can be given as a\n"
      "variable (flags as 1/0, true/false, yes/no, on/off; lines in GPIO_BLINKD_LINES,\n"
      "separated by spaces); options win over variables. An unknown GPIO_BLINKD_*\n"
      "variable is an error. The variables:\n  {}\n",
      wrap(names, kWidth, 2));
}

}  // namespace

std::string wrap(std::string_view text, std::size_t width, std::size_t indent) {
  std::string out;
  std::size_t column = indent;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view word = text.substr(pos, end - pos);
    if (column > indent && column + 1 + word.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    pos = end + 1;
  }
  return out;
}

std::string configuration_text(const Options& options) {
  std::string text =
      fmt::format("backend {}\ncount {}\nlog-level {}\n", options.backend,
                  options.count ? fmt::format("{}", *options.count) : std::string("until stopped"),
                  keyword_of(options.log_level));
  auto show = [&](std::string_view owner, const hal::SettingDecl& decl) {
    std::string value;
    switch (decl.kind) {
      case hal::SettingKind::Flag:
        value = options.backend_settings.flag(decl) ? "on" : "off";
        break;
      case hal::SettingKind::Duration:
        value = format_duration(options.backend_settings.duration(decl));
        break;
      case hal::SettingKind::Path:
      case hal::SettingKind::Keyword:
        value = hal::printable(options.backend_settings.text(decl));
        break;
    }
    text += fmt::format("{}{} {}\n", owner, decl.name, value);
  };
  for (const auto& decl : hal::core_settings()) {
    show("", decl);
  }
  for (const auto& backend : hal::backends()) {
    for (const auto& decl : backend.settings) {
      show(fmt::format("{} backend: ", backend.name), decl);
    }
  }
  for (const auto& plan : options.lines) {
    text += fmt::format("line '{}': on {}, off {}, phase {}, {}, drive {}, bias {}, on-exit {}\n",
                        plan.spec.text, format_duration(plan.pattern.on),
                        format_duration(plan.pattern.off), format_duration(plan.pattern.phase),
                        plan.settings.active_low ? "active-low" : "active-high",
                        keyword_of(plan.settings.drive), keyword_of(plan.settings.bias),
                        keyword_of(plan.settings.on_exit));
  }
  return text;
}

std::string help_text(const std::vector<OptionSpec>& table) {
  std::string text(kIntroduction);
  text += per_line_settings(table);
  for (const Section section :
       {Section::Timing, Section::Lines, Section::Backend, Section::Output, Section::Actions}) {
    text += fmt::format("\n{}:\n", section_title(section));
    std::string_view backend;
    for (const auto& spec : table) {
      if (spec.section != section || !spec.on_command_line()) {
        continue;
      }
      if (spec.backend != backend && !spec.backend.empty()) {
        text += fmt::format(" {} backend{}:\n", spec.backend,
                            spec.available ? "" : " (not compiled into this binary)");
      }
      backend = spec.backend;
      text += option_row(spec);
    }
    if (section == Section::Backend) {
      text += " compiled in:\n";
      for (const auto& backend_descriptor : hal::backends()) {
        if (backend_descriptor.create != nullptr) {
          text += fmt::format("    {:<8} {}\n", backend_descriptor.name,
                              wrap(backend_descriptor.summary, kWidth, 13));
        }
      }
    }
  }
  text += variables(table);
  text += kClosing;
  return text;
}

}  // namespace blinkd
