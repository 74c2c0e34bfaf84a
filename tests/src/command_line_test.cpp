// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <array>
#include <set>

#include <fmt/format.h>

#include "command_line.hpp"
#include "hal/registry.hpp"
#include "help.hpp"
#include "value_parsers.hpp"

using namespace std::chrono_literals;
using blinkd::Action;
using blinkd::Environment;
using blinkd::parse_command_line;
using blinkd::ParsedCommandLine;
using blinkd::UsageError;

namespace {

hal::SettingValue setting(const blinkd::Options& options, std::string_view name) {
  for (const auto& backend : hal::backends()) {
    for (const auto& decl : backend.settings) {
      if (decl.name == name) {
        REQUIRE(options.backend_settings.contains(name));
        if (std::holds_alternative<bool>(decl.default_value)) {
          return options.backend_settings.flag(decl);
        }
        return options.backend_settings.duration(decl);
      }
    }
  }
  FAIL("no backend declares ", name);
  return false;
}

ParsedCommandLine parse(std::vector<const char*> args, const Environment& environment = {}) {
  return parse_command_line(std::span<const char* const>(args.data(), args.size()), environment);
}

std::string error_of(std::vector<const char*> args, const Environment& environment = {}) {
  try {
    (void)parse(std::move(args), environment);
  } catch (const UsageError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("defaults are the seed's blink: 1s on 1s off forever backend auto") {
  const auto parsed = parse({"136"});
  REQUIRE(parsed.action == Action::Run);
  const auto& options = parsed.options;
  REQUIRE(options.lines.size() == 1);
  CHECK(options.lines[0].spec.text == "136");
  CHECK(options.lines[0].config.on == 1s);
  CHECK(options.lines[0].config.off == 1s);
  CHECK(options.lines[0].config.phase == 0s);
  CHECK_FALSE(options.lines[0].settings.active_low);
  CHECK_FALSE(options.count.has_value());
  CHECK(options.backend == "auto");
  CHECK(options.backend_settings.text(hal::kSysfsRootSetting) == "/sys");
  CHECK_FALSE(options.backend_settings.contains("permission-wait"));
  CHECK_FALSE(options.backend_settings.contains("unexport"));
  CHECK(options.log_level == hal::LogLevel::Info);
}

TEST_CASE("global timing options apply to every line in either option form") {
  const auto options = parse({"--on", "100ms", "--off=900ms", "--phase", "50ms", "--count", "3",
                              "17", "gpiochip0:4"})
                           .options;
  REQUIRE(options.lines.size() == 2);
  for (const auto& line : options.lines) {
    CHECK(line.config.on == 100ms);
    CHECK(line.config.off == 900ms);
    CHECK(line.config.phase == 50ms);
  }
  CHECK(options.count == 3U);
}

TEST_CASE("per-line settings override the global ones for that line only") {
  const auto options =
      parse({"--on", "200ms", "--active-low", "GPIO17", "GPIO27,phase=500ms,on=1s,active-high"})
          .options;
  REQUIRE(options.lines.size() == 2);
  CHECK(options.lines[0].config.on == 200ms);
  CHECK(options.lines[0].settings.active_low);
  CHECK(options.lines[1].spec.text == "GPIO27");
  CHECK(options.lines[1].config.on == 1s);
  CHECK(options.lines[1].config.phase == 500ms);
  CHECK(options.lines[1].config.off == 1s);
  CHECK_FALSE(options.lines[1].settings.active_low);
}

TEST_CASE("options placed after the lines still apply to them") {
  const auto options = parse({"17", "--on", "300ms"}).options;
  CHECK(options.lines[0].config.on == 300ms);
}

TEST_CASE("help and version win over everything else") {
  CHECK(parse({"--on", "bogus", "--help"}).action == Action::Help);
  CHECK(parse({"-h"}).action == Action::Help);
  CHECK(parse({"-V"}).action == Action::Version);
  CHECK(parse({"--version", "x"}).action == Action::Version);
}

TEST_CASE("verbosity flags and --log-level set the threshold") {
  CHECK(parse({"-v", "1"}).options.log_level == hal::LogLevel::Debug);
  CHECK(parse({"--quiet", "1"}).options.log_level == hal::LogLevel::Warning);
  CHECK(parse({"--log-level", "error", "1"}).options.log_level == hal::LogLevel::Error);
}

TEST_CASE("environment variables configure a container - options win over them") {
  const Environment environment{{"GPIO_BLINKD_LINES", " 136  gpiochip0:3,active-low "},
                                {"GPIO_BLINKD_ON", "250ms"},
                                {"GPIO_BLINKD_COUNT", "5"},
                                {"GPIO_BLINKD_BACKEND", "sim"},
                                {"GPIO_BLINKD_UNEXPORT", "yes"},
                                {"GPIO_BLINKD_SYSFS_ROOT", "/host/sys"},
                                {"GPIO_BLINKD_PERMISSION_WAIT", "500ms"},
                                {"GPIO_BLINKD_LOG_LEVEL", "debug"},
                                {"UNRELATED", "ignored"}};
  auto options = parse({}, environment).options;
  REQUIRE(options.lines.size() == 2);
  CHECK(options.lines[0].spec.text == "136");
  CHECK(options.lines[1].settings.active_low);
  CHECK(options.lines[0].config.on == 250ms);
  CHECK(options.count == 5U);
  CHECK(options.backend == "sim");
  CHECK(std::get<bool>(setting(options, "unexport")));
  CHECK(options.backend_settings.text(hal::kSysfsRootSetting) == "/host/sys");
  CHECK(std::get<std::chrono::nanoseconds>(setting(options, "permission-wait")) == 500ms);
  CHECK(options.log_level == hal::LogLevel::Debug);

  const auto parsed = parse({"--on", "1s", "--count", "2", "99"}, environment);
  options = parsed.options;
  REQUIRE(options.lines.size() == 1);
  CHECK(options.lines[0].spec.text == "99");
  CHECK(options.lines[0].config.on == 1s);
  CHECK(options.count == 2U);
  // Which source won is said, once per option given both ways.
  CHECK(parsed.notices ==
        std::vector<std::string>{"option --on wins over the environment's GPIO_BLINKD_ON=250ms",
                                 "option --count wins over the environment's GPIO_BLINKD_COUNT=5",
                                 "the lines on the command line win over the environment's "
                                 "GPIO_BLINKD_LINES"});
}

TEST_CASE("bad input is rejected with one message naming the input and what was expected") {
  CHECK(error_of({}) ==
        "no LINE given: name at least one line to blink, e.g. 'gpio-blinkd gpiochip0:17' (the "
        "original gadget-blink used 136), or set GPIO_BLINKD_LINES");
  CHECK(error_of({"--bogus", "1"}) == "unknown option '--bogus'");
  CHECK(error_of({"--of", "1s", "1"}) == "unknown option '--of'; did you mean --on?");
  CHECK(error_of({"1", "--on"}) == "option --on needs a value (DUR)");
  CHECK(error_of({"--unexport=1", "1"}) == "option --unexport takes no value");
  CHECK(error_of({"--on", "0s", "1"}).starts_with("option --on '0s': shorter than 1ms; expected"));
  CHECK(error_of({"--count", "0", "1"}) ==
        "option --count '0': too small; expected a whole number from 1 to 1000000000000");
  CHECK(error_of({"--count", "-3", "1"}).starts_with("option --count '-3'"));
  CHECK(error_of({"--count", "2x", "1"}).starts_with("option --count '2x'"));
  CHECK(error_of({"--backend", "gpioz", "1"})
            .starts_with("option --backend 'gpioz': not a backend of this binary; expected auto"));
  CHECK(error_of({"--log-level", "loud", "1"}).starts_with("option --log-level 'loud'"));
  CHECK(error_of({"--sysfs-root=", "1"}) == "option --sysfs-root: empty; expected a path");
  CHECK(error_of({"17", "17"}) == "line '17' is given twice");
  CHECK(error_of({"17", "17,on=2s"}) == "line '17' is given twice");
  CHECK(error_of({"17,on"}) == "line '17' setting on: expected KEY=VALUE");
  CHECK(error_of({"17,active-low=1"}) == "line '17' setting active-low: takes no value");
  CHECK(error_of({"17,blink=2"}) ==
        "line '17': unknown setting 'blink=2'; expected pattern=PATTERN, on=DUR, off=DUR, "
        "phase=DUR, morse-unit=DUR, state.NAME=PATTERN, active-low, active-high, drive=MODE, "
        "bias=MODE or on-exit=WHAT");
  CHECK(error_of({"17,"}).starts_with("line '17': unknown setting ''"));
  CHECK(error_of({"17,off=soon"}).starts_with("line '17' setting off 'soon'"));
  CHECK(error_of({"chip:x"}).starts_with("line 'chip:x': the part after the last ':'"));
  CHECK(error_of({":4"}).starts_with("line ':4': chip missing before ':'"));
}

TEST_CASE("bad environment variables are named too and unknown GPIO_BLINKD_ ones are errors") {
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_PERIOD", "1s"}}) ==
        "environment variable GPIO_BLINKD_PERIOD is not one gpio-blinkd knows (see gpio-blinkd "
        "--help for the list)");
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_ACTIVELOW", "1"}}) ==
        "environment variable GPIO_BLINKD_ACTIVELOW is not one gpio-blinkd knows; did you mean "
        "GPIO_BLINKD_ACTIVE_LOW? (see gpio-blinkd --help for the list)");
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_ACTIVE_LOW", "maybe"}}) ==
        "environment variable GPIO_BLINKD_ACTIVE_LOW 'maybe': expected 1/0, true/false, yes/no or "
        "on/off");
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_OFF", "1"}})
            .starts_with("environment variable GPIO_BLINKD_OFF '1': the unit is missing"));
  CHECK(error_of({}, {{"GPIO_BLINKD_LINES", "   "}}).starts_with("no LINE given"));
}

TEST_CASE("a lone dash and arguments after -- are lines not options") {
  const auto options = parse({"--", "-5"}).options;
  REQUIRE(options.lines.size() == 1);
  CHECK(options.lines[0].spec.text == "-5");
}

TEST_CASE("drive and bias are global options and per-line settings") {
  auto options =
      parse({"--drive", "open-drain", "--bias=pull-up", "17", "18,drive=push-pull,bias=disabled"})
          .options;
  CHECK(options.lines[0].settings.drive == hal::Drive::OpenDrain);
  CHECK(options.lines[0].settings.bias == hal::Bias::PullUp);
  CHECK(options.lines[1].settings.drive == hal::Drive::PushPull);
  CHECK(options.lines[1].settings.bias == hal::Bias::Disabled);
  options = parse({"17"}, {{"GPIO_BLINKD_DRIVE", "open-source"}, {"GPIO_BLINKD_BIAS", "pull-down"}})
                .options;
  CHECK(options.lines[0].settings.drive == hal::Drive::OpenSource);
  CHECK(options.lines[0].settings.bias == hal::Bias::PullDown);
  CHECK(error_of({"--drive", "totem-pole", "17"}) ==
        "option --drive 'totem-pole': expected push-pull, open-drain or open-source");
  CHECK(error_of({"17,bias=up"}) ==
        "line '17' setting bias 'up': expected as-is, disabled, pull-up or pull-down");
}

TEST_CASE("--list needs no line and keeps the backend options") {
  const auto parsed = parse({"--list", "--backend", "sim"});
  CHECK(parsed.action == Action::List);
  CHECK(parsed.options.backend == "sim");
  CHECK(parse({"--list", "17"}).action == Action::List);
  CHECK(error_of({"--list=1"}) == "option --list takes no value");
}

TEST_CASE("an empty boolean or duration variable is an error, not a default") {
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_ACTIVE_LOW", ""}}) ==
        "environment variable GPIO_BLINKD_ACTIVE_LOW '': empty; expected 1/0, true/false, yes/no "
        "or on/off");
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_UNEXPORT", ""}}).find("empty") != std::string::npos);
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_ON", ""}})
            .starts_with("environment variable GPIO_BLINKD_ON '': empty; expected"));
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_PERMISSION_WAIT", ""}}).find("empty") != std::string::npos);
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_COUNT", ""}}).find("empty") != std::string::npos);
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_SYSFS_ROOT", ""}}).find("empty") != std::string::npos);
}

TEST_CASE("Kubernetes service-link variables are recognised and ignored with one notice") {
  const Environment environment{{"GPIO_BLINKD_SERVICE_HOST", "10.43.0.7"},
                                {"GPIO_BLINKD_SERVICE_PORT", "80"},
                                {"GPIO_BLINKD_SERVICE_PORT_HTTP", "80"},
                                {"GPIO_BLINKD_PORT", "tcp://10.43.0.7:80"},
                                {"GPIO_BLINKD_PORT_80_TCP", "tcp://10.43.0.7:80"},
                                {"GPIO_BLINKD_PORT_80_TCP_PROTO", "tcp"},
                                {"GPIO_BLINKD_PORT_80_TCP_PORT", "80"},
                                {"GPIO_BLINKD_PORT_80_TCP_ADDR", "10.43.0.7"}};
  const auto parsed = parse({"17"}, environment);
  REQUIRE(parsed.notices.size() == 1);
  CHECK(parsed.notices[0].starts_with(
      "ignoring GPIO_BLINKD_PORT, GPIO_BLINKD_PORT_80_TCP, GPIO_BLINKD_PORT_80_TCP_ADDR"));
  CHECK(parsed.notices[0].find("enableServiceLinks: false") != std::string::npos);
  // Only those shapes: anything else with the prefix is still an unknown variable.
  CHECK(error_of({"17"}, {{"GPIO_BLINKD_SERVICE", "x"}}).starts_with("environment variable"));
}

TEST_CASE("a variable of a backend this build lacks is a notice, its option an error") {
  static const hal::SettingDecl kSpeed{"fancy-speed",
                                       hal::SettingKind::Duration,
                                       "DUR",
                                       "how fancy",
                                       std::chrono::nanoseconds(1s),
                                       std::chrono::nanoseconds(1ms),
                                       std::chrono::nanoseconds(1h)};
  static const std::array kSettings{kSpeed};
  static const std::vector<hal::BackendDescriptor> backends{
      hal::BackendDescriptor{"fancy", "not built here", kSettings, 5, nullptr, nullptr}};
  const auto table = blinkd::build_option_table(backends);
  const std::vector<const char*> args{"17"};
  const auto parsed = blinkd::parse_command_line(args, {{"GPIO_BLINKD_FANCY_SPEED", "2s"}}, table);
  REQUIRE(parsed.notices.size() == 1);
  CHECK(parsed.notices[0] ==
        "environment variable GPIO_BLINKD_FANCY_SPEED is ignored: it belongs to the fancy "
        "backend, which this binary was built without");
  CHECK_FALSE(parsed.options.backend_settings.contains("fancy-speed"));
  const std::vector<const char*> with_option{"--fancy-speed", "2s", "17"};
  CHECK_THROWS_WITH_AS(blinkd::parse_command_line(with_option, {}, table),
                       "option --fancy-speed: the fancy backend is not compiled into this binary",
                       UsageError);
}

TEST_CASE("--check reads everything like a run and needs lines") {
  CHECK(parse({"--check", "17"}).action == Action::Check);
  CHECK(error_of({"--check"}).starts_with("no LINE given"));
  CHECK(error_of({"--check", "17,on=1x"}).starts_with("line '17' setting on '1x'"));
}

TEST_CASE("every numeric input is bounded: max-1, max, max+1 and the 64-bit limits") {
  // Durations of a blink: 1ms to 24h each, in every unit (another pattern shown, so that
  // blink's own cycle bound below is not what is tested here).
  CHECK(parse({"--pattern", "fast", "--on", "24h", "1"}).options.lines[0].config.on == 24h);
  CHECK(parse({"--pattern", "fast", "--on", "1440m", "1"}).options.lines[0].config.on == 24h);
  CHECK(parse({"--pattern", "fast", "--on", "86400s", "1"}).options.lines[0].config.on == 24h);
  CHECK(parse({"--pattern", "fast", "--on", "86399.999999999s", "1"}).options.lines[0].config.on ==
        24h - 1ns);
  // ... and blink's cycle, on plus off, at most 24h like every pattern's.
  CHECK(parse({"--on", "86399s", "--off", "1s", "1"}).options.lines[0].config.on == 86399s);
  CHECK(parse({"1,on=23h,off=1h"}).options.lines[0].config.off == 1h);
  CHECK(error_of({"--on", "24h", "1"}) ==
        "line '1' pattern 'blink': on 24h and off 1s make a cycle of 86401s; expected on plus "
        "off of at most 24h");
  CHECK(error_of({"1,off=24h"}).find("make a cycle of 86401s") != std::string::npos);
  CHECK(error_of({"--state", "long=blink", "--on", "24h", "--off", "24h", "--pattern", "fast", "1"})
            .find("state long 'blink': on 24h and off 24h make a cycle of 48h") !=
        std::string::npos);
  CHECK(error_of({"--on", "86400.000000001s", "1"}).find("longer than 24h") != std::string::npos);
  CHECK(error_of({"--on", "1441m", "1"}).find("longer than 24h") != std::string::npos);
  CHECK(error_of({"--on", "25h", "1"}).find("longer than 24h") != std::string::npos);
  CHECK(parse({"--off", "1ms", "1"}).options.lines[0].config.off == 1ms);
  CHECK(parse({"--off", "1000us", "1"}).options.lines[0].config.off == 1ms);
  CHECK(error_of({"--off", "999999ns", "1"}).find("shorter than 1ms") != std::string::npos);
  CHECK(error_of({"--on", "0.001us", "1"}).find("shorter than 1ms") != std::string::npos);
  // Unit scaling never wraps: these were accepted as 378us and a negative phase.
  CHECK(error_of({"--on", "76075909788651m", "1"}).find("longer than 24h") != std::string::npos);
  CHECK(error_of({"--phase", "86400000000000s", "1"}).find("longer than 24h") != std::string::npos);
  CHECK(error_of({"--phase", "9223372036854775807ns", "1"}).find("longer than 24h") !=
        std::string::npos);
  CHECK(error_of({"--phase", "9223372036854775808ns", "1"}).find("longer than 24h") !=
        std::string::npos);
  CHECK(error_of({"--phase", "18446744073709551616h", "1"}).find("longer than 24h") !=
        std::string::npos);
  CHECK(parse({"--phase", "0s", "1"}).options.lines[0].config.phase == 0s);
  // Counts: 1 to 10^12.
  CHECK(parse({"--count", "1000000000000", "1"}).options.count == 1'000'000'000'000U);
  CHECK(parse({"--count", "999999999999", "1"}).options.count == 999'999'999'999U);
  CHECK(error_of({"--count", "1000000000001", "1"}).find("too large") != std::string::npos);
  CHECK(error_of({"--count", "18446744073709551615", "1"}).find("too large") != std::string::npos);
  CHECK(error_of({"--count", "18446744073709551616", "1"}).find("too large") != std::string::npos);
  CHECK(error_of({"--count", "+5", "1"}).find("not a whole number") != std::string::npos);
  // The sysfs permission wait: 0 to 10 minutes.
  CHECK(std::get<std::chrono::nanoseconds>(
            setting(parse({"--permission-wait", "10m", "1"}).options, "permission-wait")) == 10min);
  CHECK(error_of({"--permission-wait", "600.001s", "1"}).find("longer than 10m") !=
        std::string::npos);
  // Line offsets and global numbers: what an unsigned holds.
  CHECK(parse({"gpiochip0:4294967295"}).options.lines.size() == 1);
  CHECK(error_of({"gpiochip0:4294967296"}).find("offset too large") != std::string::npos);
  CHECK(error_of({"4294967296"}).find("number too large") != std::string::npos);
}

TEST_CASE("the number of lines is bounded") {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i <= blinkd::kMaxLines; ++i) {
    texts.push_back(std::to_string(i));
  }
  std::vector<const char*> args;
  for (const auto& text : texts) {
    args.push_back(text.c_str());
  }
  CHECK(error_of(args) == "257 lines given; at most 256 can be blinked by one gpio-blinkd");
  args.pop_back();
  CHECK(parse(args).options.lines.size() == blinkd::kMaxLines);
}

TEST_CASE("input echoed in messages is sanitised and bounded") {
  const std::string escape = "\x1b[2J\x1b]0;pwned\x07";
  const std::string message = error_of({"--on", escape.c_str(), "1"});
  CHECK(message.find('\x1b') == std::string::npos);
  CHECK(message.find('\x07') == std::string::npos);
  CHECK(message.find("\\x1b[2J") != std::string::npos);
  const std::string huge(100000, 'x');
  CHECK(error_of({"--log-level", huge.c_str(), "1"}).size() < 400);
  CHECK(error_of({huge.c_str()}).size() < 600);
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_LOG_LEVEL", escape}}).find('\x1b') == std::string::npos);
}

TEST_CASE("the help lists every variable and per-line setting the table has") {
  const std::string help = blinkd::help_text(blinkd::option_table());
  for (const auto& spec : blinkd::option_table()) {
    if (spec.in_environment()) {
      CHECK_MESSAGE(help.find(blinkd::variable_name(spec.name)) != std::string::npos, spec.name);
    }
    if (spec.on_command_line()) {
      CHECK_MESSAGE(help.find(fmt::format("--{}", spec.name)) != std::string::npos, spec.name);
    }
    if (spec.per_line()) {
      CHECK_MESSAGE(help.find(spec.flag() ? std::string(spec.name)
                                          : std::string(spec.name) + "=") != std::string::npos,
                    spec.name);
    }
  }
  std::size_t start = 0;
  while (start < help.size()) {
    const std::size_t end = help.find('\n', start);
    CHECK_MESSAGE(end - start <= 80, help.substr(start, end - start));
    start = end + 1;
  }
}

TEST_CASE("option names, short names and variables are unique across daemon and backends") {
  std::set<std::string> names;
  std::set<char> shorts;
  for (const auto& spec : blinkd::option_table()) {
    CHECK_MESSAGE(names.insert(std::string(spec.name)).second, spec.name);
    if (spec.short_name != 0) {
      CHECK(shorts.insert(spec.short_name).second);
    }
    // Kubernetes service links take SERVICE_* and PORT*: no option may look like one.
    CHECK_FALSE(spec.name.starts_with("service"));
    CHECK_FALSE(spec.name.starts_with("port"));
  }
}

TEST_CASE("on-exit is a global option and a per-line setting") {
  const auto options = parse({"--on-exit", "release", "17", "18,on-exit=park", "19,on-exit=keep"},
                             {{"GPIO_BLINKD_ON_EXIT", "park"}})
                           .options;
  CHECK(options.lines[0].settings.on_exit == hal::OnExit::Release);
  CHECK(options.lines[1].settings.on_exit == hal::OnExit::Park);
  CHECK(options.lines[2].settings.on_exit == hal::OnExit::Keep);
  CHECK(parse({"17"}).options.lines[0].settings.on_exit == hal::OnExit::Default);
  CHECK(error_of({"17,on-exit=float"}) ==
        "line '17' setting on-exit 'float': expected default, keep, park or release");
}
