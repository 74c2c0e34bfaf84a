#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "options.hpp"

using namespace std::chrono_literals;
using blinkd::Action;
using blinkd::Environment;
using blinkd::parse_command_line;
using blinkd::ParsedCommandLine;
using blinkd::UsageError;

namespace {

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
  CHECK(options.lines[0].pattern.on == 1s);
  CHECK(options.lines[0].pattern.off == 1s);
  CHECK(options.lines[0].pattern.phase == 0s);
  CHECK_FALSE(options.lines[0].settings.active_low);
  CHECK_FALSE(options.count.has_value());
  CHECK(options.backend == "auto");
  CHECK(options.sysfs_root == "/sys");
  CHECK(options.permission_wait == 2s);
  CHECK_FALSE(options.unexport);
  CHECK(options.log_level == hal::LogLevel::Info);
}

TEST_CASE("global timing options apply to every line in either option form") {
  const auto options = parse({"--on", "100ms", "--off=900ms", "--phase", "50ms", "--count", "3",
                              "17", "gpiochip0:4"})
                           .options;
  REQUIRE(options.lines.size() == 2);
  for (const auto& line : options.lines) {
    CHECK(line.pattern.on == 100ms);
    CHECK(line.pattern.off == 900ms);
    CHECK(line.pattern.phase == 50ms);
  }
  CHECK(options.count == 3U);
}

TEST_CASE("per-line settings override the global ones for that line only") {
  const auto options =
      parse({"--on", "200ms", "--active-low", "GPIO17", "GPIO27,phase=500ms,on=1s,active-high"})
          .options;
  REQUIRE(options.lines.size() == 2);
  CHECK(options.lines[0].pattern.on == 200ms);
  CHECK(options.lines[0].settings.active_low);
  CHECK(options.lines[1].spec.text == "GPIO27");
  CHECK(options.lines[1].pattern.on == 1s);
  CHECK(options.lines[1].pattern.phase == 500ms);
  CHECK(options.lines[1].pattern.off == 1s);
  CHECK_FALSE(options.lines[1].settings.active_low);
}

TEST_CASE("options placed after the lines still apply to them") {
  const auto options = parse({"17", "--on", "300ms"}).options;
  CHECK(options.lines[0].pattern.on == 300ms);
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
  CHECK(options.lines[0].pattern.on == 250ms);
  CHECK(options.count == 5U);
  CHECK(options.backend == "sim");
  CHECK(options.unexport);
  CHECK(options.sysfs_root == "/host/sys");
  CHECK(options.permission_wait == 500ms);
  CHECK(options.log_level == hal::LogLevel::Debug);

  options = parse({"--on", "1s", "--count", "2", "99"}, environment).options;
  REQUIRE(options.lines.size() == 1);
  CHECK(options.lines[0].spec.text == "99");
  CHECK(options.lines[0].pattern.on == 1s);
  CHECK(options.count == 2U);
}

TEST_CASE("bad input is rejected with one message naming the input and what was expected") {
  CHECK(error_of({}) ==
        "no LINE given: name at least one line to blink, e.g. 'gpio-blinkd gpiochip0:17' (the "
        "original gadget-blink used 136), or set GPIO_BLINKD_LINES");
  CHECK(error_of({"--bogus", "1"}) == "unknown option '--bogus'");
  CHECK(error_of({"1", "--on"}) == "option --on needs a value");
  CHECK(error_of({"--unexport=1", "1"}) == "option --unexport takes no value");
  CHECK(error_of({"--on", "0s", "1"}) == "option --on '0s': must be longer than 0");
  CHECK(error_of({"--count", "0", "1"}).starts_with("option --count '0': expected a whole number"));
  CHECK(error_of({"--count", "-3", "1"}).starts_with("option --count '-3'"));
  CHECK(error_of({"--count", "2x", "1"}).starts_with("option --count '2x'"));
  CHECK(error_of({"--backend", "gpioz", "1"})
            .starts_with(
                "option --backend 'gpioz': not a backend of this binary; expected one of auto"));
  CHECK(error_of({"--log-level", "loud", "1"}).starts_with("option --log-level 'loud'"));
  CHECK(error_of({"--sysfs-root=", "1"}).starts_with("option --sysfs-root: expected a directory"));
  CHECK(error_of({"17", "17"}) == "line '17' is given twice");
  CHECK(error_of({"17,on"}) == "line '17,on' setting on: expected KEY=VALUE");
  CHECK(error_of({"17,active-low=1"}) ==
        "line '17,active-low=1' setting active-low: takes no value");
  CHECK(error_of({"17,blink=2"}).starts_with("line '17,blink=2': unknown setting 'blink=2'"));
  CHECK(error_of({"17,off=soon"}).starts_with("line '17,off=soon' setting off 'soon'"));
  CHECK(error_of({"chip:x"}).starts_with("line 'chip:x': the part after the last ':'"));
  CHECK(error_of({":4"}).starts_with("line ':4': chip missing before ':'"));
}

TEST_CASE("bad environment variables are named too and unknown GPIO_BLINKD_ ones are errors") {
  CHECK(error_of({"1"}, {{"GPIO_BLINKD_PERIOD", "1s"}})
            .starts_with("environment variable GPIO_BLINKD_PERIOD is not one gpio-blinkd knows; "
                         "known: GPIO_BLINKD_ON"));
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
        "line '17,bias=up' setting bias 'up': expected as-is, disabled, pull-up or pull-down");
}

TEST_CASE("--list needs no line and keeps the backend options") {
  const auto parsed = parse({"--list", "--backend", "sim"});
  CHECK(parsed.action == Action::List);
  CHECK(parsed.options.backend == "sim");
  CHECK(parse({"--list", "17"}).action == Action::List);
  CHECK(error_of({"--list=1"}) == "option --list takes no value");
}
