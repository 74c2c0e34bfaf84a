#include "options.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <functional>
#include <initializer_list>

#include <fmt/format.h>

#include "hal/registry.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace blinkd {
namespace {

constexpr std::string_view kEnvPrefix = "GPIO_BLINKD_";
constexpr std::uint64_t kMaxCount = 1'000'000'000'000;

// Settings that apply to every line unless the line overrides them.
struct Defaults {
  BlinkPattern pattern;
  bool active_low = false;
  hal::Drive drive = hal::Drive::PushPull;
  hal::Bias bias = hal::Bias::AsIs;
};

struct Collected {
  Defaults defaults;
  bool list = false;
  std::vector<std::string> line_texts;
  Options options;
};

std::string backend_choices() {
  std::string names = "auto";
  for (const auto& backend : hal::backends()) {
    names += fmt::format(", {}", backend.name);
  }
  return names;
}

Duration positive_duration(std::string_view text, std::string_view what) {
  Duration value = parse_duration(text, what);
  if (value <= Duration::zero()) {
    throw UsageError(fmt::format("{} '{}': must be longer than 0", what, text));
  }
  return value;
}

std::uint64_t parse_count(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value == 0 || value > kMaxCount) {
    throw UsageError(fmt::format(
        "{} '{}': expected a whole number of blinks from 1 to {} (omit it to blink until "
        "stopped)",
        what, text, kMaxCount));
  }
  return value;
}

bool parse_bool(std::string_view text, std::string_view what) {
  static constexpr std::array kTrue{"1", "true", "yes", "on"};
  static constexpr std::array kFalse{"0", "false", "no", "off", ""};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find(kTrue.begin(), kTrue.end(), lower) != kTrue.end()) {
    return true;
  }
  if (std::find(kFalse.begin(), kFalse.end(), lower) != kFalse.end()) {
    return false;
  }
  throw UsageError(fmt::format("{} '{}': expected 1/0, true/false, yes/no or on/off", what, text));
}

template <typename T>
using Choices = std::initializer_list<std::pair<std::string_view, T>>;

// One of a fixed set of keywords; the error lists them (aliases, after the first with
// the same value, are accepted but not listed).
template <typename T>
T parse_choice(std::string_view text, std::string_view what, Choices<T> choices) {
  std::string listed;
  std::vector<T> seen;
  for (const auto& [name, value] : choices) {
    if (text == name) {
      return value;
    }
    if (std::find(seen.begin(), seen.end(), value) == seen.end()) {
      seen.push_back(value);
      listed += fmt::format("{}{}", listed.empty() ? "" : ", ", name);
    }
  }
  const auto last_comma = listed.rfind(", ");
  if (last_comma != std::string::npos) {
    listed.replace(last_comma, 2, " or ");
  }
  throw UsageError(fmt::format("{} '{}': expected {}", what, text, listed));
}

hal::LogLevel parse_log_level(std::string_view text, std::string_view what) {
  return parse_choice<hal::LogLevel>(text, what,
                                     {{"error", hal::LogLevel::Error},
                                      {"warning", hal::LogLevel::Warning},
                                      {"notice", hal::LogLevel::Notice},
                                      {"info", hal::LogLevel::Info},
                                      {"debug", hal::LogLevel::Debug}});
}

hal::Drive parse_drive(std::string_view text, std::string_view what) {
  return parse_choice<hal::Drive>(text, what,
                                  {{"push-pull", hal::Drive::PushPull},
                                   {"open-drain", hal::Drive::OpenDrain},
                                   {"open-source", hal::Drive::OpenSource}});
}

hal::Bias parse_bias(std::string_view text, std::string_view what) {
  return parse_choice<hal::Bias>(text, what,
                                 {{"as-is", hal::Bias::AsIs},
                                  {"disabled", hal::Bias::Disabled},
                                  {"disable", hal::Bias::Disabled},
                                  {"pull-up", hal::Bias::PullUp},
                                  {"pull-down", hal::Bias::PullDown}});
}

std::string parse_backend(std::string_view text, std::string_view what) {
  if (text != "auto" && hal::find_backend(text) == nullptr) {
    throw UsageError(fmt::format("{} '{}': not a backend of this binary; expected one of {}", what,
                                 text, backend_choices()));
  }
  return std::string(text);
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos = text.find_first_not_of(" \t\n", pos);
    if (pos == std::string_view::npos) {
      break;
    }
    const std::size_t end = std::min(text.find_first_of(" \t\n", pos), text.size());
    words.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

// A setting that can come from an option or an environment variable.
struct Setting {
  std::string_view option;    // "--on"
  std::string_view variable;  // "ON" (after the GPIO_BLINKD_ prefix)
  bool takes_value;
  std::function<void(Collected&, std::string_view value, std::string_view what)> apply;
};

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all{
      {"--on", "ON", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.pattern.on = positive_duration(v, w);
       }},
      {"--off", "OFF", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.pattern.off = positive_duration(v, w);
       }},
      {"--phase", "PHASE", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.pattern.phase = parse_duration(v, w);
       }},
      {"--count", "COUNT", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.options.count = parse_count(v, w);
       }},
      {"--active-low", "ACTIVE_LOW", false,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.active_low = parse_bool(v, w);
       }},
      {"--drive", "DRIVE", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.drive = parse_drive(v, w);
       }},
      {"--bias", "BIAS", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.defaults.bias = parse_bias(v, w);
       }},
      {"--list", "", false,
       [](Collected& c, std::string_view, std::string_view) { c.list = true; }},
      {"--backend", "BACKEND", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.options.backend = parse_backend(v, w);
       }},
      {"--sysfs-root", "SYSFS_ROOT", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         if (v.empty()) {
           throw UsageError(fmt::format("{}: expected a directory, got an empty value", w));
         }
         c.options.sysfs_root = std::string(v);
       }},
      {"--permission-wait", "PERMISSION_WAIT", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.options.permission_wait =
             std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration(v, w));
       }},
      {"--unexport", "UNEXPORT", false,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.options.unexport = parse_bool(v, w);
       }},
      {"--log-level", "LOG_LEVEL", true,
       [](Collected& c, std::string_view v, std::string_view w) {
         c.options.log_level = parse_log_level(v, w);
       }},
      {"", "LINES", true,
       [](Collected& c, std::string_view v, std::string_view) {
         c.line_texts = split_whitespace(v);
       }},
  };
  return all;
}

void apply_environment(const Environment& environment, Collected& collected) {
  for (const auto& [name, value] : environment) {
    if (!name.starts_with(kEnvPrefix)) {
      continue;
    }
    const std::string_view variable = std::string_view(name).substr(kEnvPrefix.size());
    const auto& all = settings();
    auto found = std::find_if(all.begin(), all.end(), [&](const Setting& s) {
      return !s.variable.empty() && s.variable == variable;
    });
    if (found == all.end()) {
      std::string known;
      for (const auto& s : all) {
        if (!s.variable.empty()) {
          known += fmt::format("{}{}{}", known.empty() ? "" : ", ", kEnvPrefix, s.variable);
        }
      }
      throw UsageError(fmt::format(
          "environment variable {} is not one gpio-blinkd knows; known: {}", name, known));
    }
    found->apply(collected, value, fmt::format("environment variable {}", name));
  }
}

hal::LineSettings line_settings(const Defaults& defaults) {
  hal::LineSettings settings;
  settings.active_low = defaults.active_low;
  settings.drive = defaults.drive;
  settings.bias = defaults.bias;
  return settings;
}

LinePlan parse_line(std::string_view text, const Defaults& defaults) {
  const auto comma = text.find(',');
  LinePlan plan{hal::parse_line_spec(text.substr(0, comma)), line_settings(defaults),
                defaults.pattern};
  std::string_view rest =
      comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  while (comma != std::string_view::npos) {
    const auto next = rest.find(',');
    const std::string_view item = rest.substr(0, next);
    const auto equals = item.find('=');
    const std::string_view key = item.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view{} : item.substr(equals + 1);
    const std::string what = fmt::format("line '{}' setting {}", text, key);
    const bool has_value = equals != std::string_view::npos;
    auto need_value = [&](bool wanted) {
      if (wanted != has_value) {
        throw UsageError(
            fmt::format("{}: {}", what, wanted ? "expected KEY=VALUE" : "takes no value"));
      }
    };
    if (key == "on") {
      need_value(true);
      plan.pattern.on = positive_duration(value, what);
    } else if (key == "off") {
      need_value(true);
      plan.pattern.off = positive_duration(value, what);
    } else if (key == "phase") {
      need_value(true);
      plan.pattern.phase = parse_duration(value, what);
    } else if (key == "drive") {
      need_value(true);
      plan.settings.drive = parse_drive(value, what);
    } else if (key == "bias") {
      need_value(true);
      plan.settings.bias = parse_bias(value, what);
    } else if (key == "active-low") {
      need_value(false);
      plan.settings.active_low = true;
    } else if (key == "active-high") {
      need_value(false);
      plan.settings.active_low = false;
    } else {
      throw UsageError(fmt::format(
          "line '{}': unknown setting '{}'; expected on=DUR, off=DUR, phase=DUR, drive=MODE, "
          "bias=MODE, active-low or active-high",
          text, item));
    }
    if (next == std::string_view::npos) {
      break;
    }
    rest = rest.substr(next + 1);
  }
  return plan;
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

namespace {

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

void apply_option(std::span<const char* const> args, std::size_t& index, Collected& collected) {
  const std::string_view arg = args[index];
  if (arg == "-v" || arg == "--verbose") {
    collected.options.log_level = hal::LogLevel::Debug;
    return;
  }
  if (arg == "-q" || arg == "--quiet") {
    collected.options.log_level = hal::LogLevel::Warning;
    return;
  }
  const auto equals = arg.find('=');
  const std::string_view name = arg.substr(0, equals);
  const auto& all = settings();
  auto found = std::find_if(all.begin(), all.end(), [&](const Setting& setting) {
    return !setting.option.empty() && setting.option == name;
  });
  if (found == all.end()) {
    throw UsageError(fmt::format("unknown option '{}'", arg));
  }
  std::string_view value;
  if (!found->takes_value) {
    if (equals != std::string_view::npos) {
      throw UsageError(fmt::format("option {} takes no value", name));
    }
    value = "1";
  } else if (equals != std::string_view::npos) {
    value = arg.substr(equals + 1);
  } else if (index + 1 < args.size()) {
    value = args[++index];
  } else {
    throw UsageError(fmt::format("option {} needs a value", name));
  }
  try {
    found->apply(collected, value, fmt::format("option {}", name));
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  }
}

// Options anywhere on the line; everything else (and all after "--") is a LINE.
std::vector<std::string> apply_arguments(std::span<const char* const> args, Collected& collected) {
  std::vector<std::string> lines;
  bool options_done = false;
  for (std::size_t index = 0; index < args.size(); ++index) {
    const std::string_view arg = args[index];
    if (options_done || !arg.starts_with("-") || arg == "-") {
      lines.emplace_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else {
      apply_option(args, index, collected);
    }
  }
  return lines;
}

std::vector<LinePlan> plan_lines(const Collected& collected) {
  if (collected.line_texts.empty()) {
    throw UsageError(
        "no LINE given: name at least one line to blink, e.g. 'gpio-blinkd gpiochip0:17' "
        "(the original gadget-blink used 136), or set GPIO_BLINKD_LINES");
  }
  std::vector<LinePlan> plans;
  for (const auto& text : collected.line_texts) {
    try {
      plans.push_back(parse_line(text, collected.defaults));
    } catch (const UsageError&) {
      throw;
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
    for (std::size_t i = 0; i + 1 < plans.size(); ++i) {
      if (plans[i].spec.text == plans.back().spec.text) {
        throw UsageError(fmt::format("line '{}' is given twice", plans.back().spec.text));
      }
    }
  }
  return plans;
}

}  // namespace

ParsedCommandLine parse_command_line(std::span<const char* const> args,
                                     const Environment& environment) {
  ParsedCommandLine parsed;
  if (auto action = help_or_version(args)) {
    parsed.action = *action;
    return parsed;
  }
  Collected collected;
  try {
    apply_environment(environment, collected);
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& error) {
    throw UsageError(error.what());
  }
  if (auto cli_lines = apply_arguments(args, collected); !cli_lines.empty()) {
    collected.line_texts = std::move(cli_lines);
  }
  if (collected.list) {
    parsed.action = Action::List;  // lines, if any, are not needed
    parsed.options = std::move(collected.options);
    return parsed;
  }
  collected.options.lines = plan_lines(collected);
  parsed.options = std::move(collected.options);
  return parsed;
}

std::string help_text() {
  std::string backends;
  for (const auto& backend : hal::backends()) {
    backends += fmt::format("      {:<8} {}\n", backend.name, backend.summary);
  }
  return fmt::format(R"(Usage: gpio-blinkd [OPTION]... LINE[,SETTING]...

Blink GPIO output lines: on for --on, off for --off, from start until stopped,
or --count times. Stopping drives every line to its safe level (off).

LINE names a GPIO line as
  a global number        136
  CHIP:OFFSET            gpiochip0:17, /dev/gpiochip0:17, pinctrl-bcm2711:17
                         (CHIP is the character device name or the chip label)
  a line name            GPIO17
SETTINGs after a comma apply to that line only:
  on=DUR off=DUR phase=DUR drive=MODE bias=MODE active-low active-high
  e.g.  gpio-blinkd --on 100ms --off 900ms GPIO17 GPIO27,phase=500ms,active-low

Timing:
  --on DUR               time on in each blink (default 1s)
  --off DUR              time off in each blink (default 1s)
  --phase DUR            delay of the first on-edge after start (default 0s)
  --count N              blink N times, then exit 0 (default: until stopped)
Lines:
  --active-low           lines are on when their physical level is low
  --drive MODE           push-pull (default), open-drain or open-source (gpiod)
  --bias MODE            as-is (default), disabled, pull-up or pull-down (gpiod)
  --backend NAME         how lines are driven (default auto):
      auto     the character device (gpiod) when a /dev/gpiochipN opens, else
               sysfs; never sim
{}  --sysfs-root DIR       where sysfs is mounted (default /sys)
  --permission-wait DUR  how long a new sysfs export may stay unwritable while
                         udev fixes its permissions (default 2s)
  --unexport             unexport sysfs lines on exit (default: keep them, so a
                         restart adopts them)
Output:
  -v, --verbose          log every edge too
  -q, --quiet            log warnings and errors only
      --log-level LEVEL  error, warning, notice, info (default) or debug
      --list             list the chips and lines the backend sees, with the
                         global number sysfs would use, and exit
  -h, --help             show this help and exit
  -V, --version          show the version and exit

DUR is a number with a unit: us, ms, s or m (250us, 500ms, 1.5s, 2m).

Environment (options win): GPIO_BLINKD_LINES (lines separated by spaces),
GPIO_BLINKD_ON, _OFF, _PHASE, _COUNT, _ACTIVE_LOW, _DRIVE, _BIAS, _BACKEND,
_SYSFS_ROOT, _PERMISSION_WAIT, _UNEXPORT, _LOG_LEVEL. Under systemd, NOTIFY_SOCKET and
WATCHDOG_USEC are honoured (Type=notify, WatchdogSec=).

Signals: SIGTERM, SIGINT and SIGHUP drive every line off, release it and exit 0;
SIGUSR1 logs one line of statistics.

Exit status: 0 after a signal or a finished --count; 1 on any error, including
invalid arguments, so that Docker and systemd restart policies apply.
)",
                     backends);
}

}  // namespace blinkd
