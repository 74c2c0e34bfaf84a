// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <string>

#include "pattern.hpp"
#include "usage_error.hpp"

using namespace std::chrono_literals;
using blinkd::Duration;
using blinkd::parse_pattern;
using blinkd::Pattern;
using blinkd::PatternContext;

namespace {

std::vector<Duration> segments_of(const char* text, const PatternContext& context = {}) {
  return parse_pattern(text, "pattern", context).segments;
}

std::string error_of(const char* text) {
  try {
    (void)parse_pattern(text, "option --pattern", {});
  } catch (const blinkd::UsageError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("every named pattern has the exact timings docs/control.md gives") {
  CHECK(segments_of("blink") == std::vector<Duration>{1s, 1s});
  CHECK(segments_of("blink", PatternContext{200ms, 300ms, 120ms}) ==
        std::vector<Duration>{200ms, 300ms});
  CHECK(segments_of("heartbeat") == std::vector<Duration>{70ms, 245ms, 70ms, 875ms});
  CHECK(segments_of("fast") == std::vector<Duration>{100ms, 100ms});
  CHECK(segments_of("slow") == std::vector<Duration>{1s, 1s});
  const Pattern on = parse_pattern("on", "p", {});
  CHECK(on.steady());
  CHECK(on.steady_on);
  const Pattern off = parse_pattern("off", "p", {});
  CHECK(off.steady());
  CHECK_FALSE(off.steady_on);
  CHECK(parse_pattern("heartbeat", "p", {}).cycle() == 1260ms);
}

TEST_CASE("Morse code uses the standard timing in units of --morse-unit") {
  // S = ... , O = ---: dots 1, dashes 3, gaps 1 within a letter, 3 between letters, and
  // 7 before the text repeats.
  const Duration u = 120ms;
  CHECK(segments_of("morse:SOS") == std::vector<Duration>{u, u, u, u, u, 3 * u,              // S
                                                          3 * u, u, 3 * u, u, 3 * u, 3 * u,  // O
                                                          u, u, u, u, u, 7 * u});            // S
  // A word gap between words; case does not matter; '_' is a space too.
  CHECK(segments_of("morse:e e", PatternContext{1s, 1s, 10ms}) ==
        std::vector<Duration>{10ms, 70ms, 10ms, 70ms});
  CHECK(segments_of("morse:E_E", PatternContext{1s, 1s, 10ms}) ==
        segments_of("morse:e e", PatternContext{1s, 1s, 10ms}));
  CHECK(segments_of("morse:5") == std::vector<Duration>{u, u, u, u, u, u, u, u, u, 7 * u});
  CHECK(error_of("morse:SOS!").find("'!' has no Morse code here") != std::string::npos);
  CHECK(error_of("morse:").find("no text after 'morse:'") != std::string::npos);
  CHECK(error_of("morse:   ").find("no letter or digit") != std::string::npos);
  CHECK(error_of(("morse:" + std::string(65, 'E')).c_str()).find("longer than 64") !=
        std::string::npos);
}

TEST_CASE("segment lists alternate on and off, each within bounds, an even number of them") {
  CHECK(segments_of("100ms/100ms/100ms/700ms") ==
        std::vector<Duration>{100ms, 100ms, 100ms, 700ms});
  CHECK(segments_of("1ms/23h") == std::vector<Duration>{1ms, 23h});
  CHECK(error_of("100ms/200ms/300ms").find("3 segments: on and off alternate") !=
        std::string::npos);
  CHECK(error_of("100ms").find("1 segments") != std::string::npos);
  CHECK(error_of("100ms/0ms").starts_with("option --pattern segment 2 '0ms': shorter than 1ms"));
  CHECK(error_of("100ms//200ms").starts_with("option --pattern segment 2 '': empty"));
  CHECK(error_of("24h/1ms").find("a cycle of 86400.001s") != std::string::npos);
  CHECK(error_of("24h/1ms").find("is longer than 24h") != std::string::npos);
  CHECK(error_of("sparkle") ==
        "option --pattern 'sparkle': not a pattern name; expected blink, on, off, heartbeat, "
        "fast, slow, morse:TEXT or durations separated by '/' (on, off, on, off...: "
        "100ms/100ms/100ms/700ms)");
  CHECK(error_of("").find("empty") != std::string::npos);
  std::string many;
  for (int i = 0; i < 1026; ++i) {
    many += i == 0 ? "1ms" : "/1ms";
  }
  CHECK(error_of(many.c_str()).find("more than 1024 segments") != std::string::npos);
}

TEST_CASE("blink's on plus off is a cycle bounded like any other: at most 24h") {
  CHECK(segments_of("blink", PatternContext{23h, 1h, 120ms}) == std::vector<Duration>{23h, 1h});
  std::string error;
  try {
    (void)parse_pattern("blink", "line '17' pattern", PatternContext{1s, 24h, 120ms});
  } catch (const blinkd::UsageError& caught) {
    error = caught.what();
  }
  CHECK(error ==
        "line '17' pattern 'blink': on 1s and off 24h make a cycle of 86401s; expected on plus "
        "off of at most 24h");
  CHECK_THROWS_AS((void)parse_pattern("blink", "p", PatternContext{24h, 1ms, 120ms}),
                  blinkd::UsageError);
}

TEST_CASE("the longest Morse text at the longest unit stays within the 24h cycle bound") {
  // '0' is the longest code (five dashes): 64 of them at 10s a unit.
  const std::string zeros = "morse:" + std::string(blinkd::kMaxMorseText, '0');
  const Pattern longest =
      parse_pattern(zeros, "p", PatternContext{1s, 1s, blinkd::kMorseUnitRange.max});
  CHECK(longest.cycle() <= blinkd::kLongestDuration);
  CHECK(longest.segments.size() <= blinkd::kMaxSegments);
}

TEST_CASE("a pattern's description is whole when short and bounded when long") {
  CHECK(blinkd::describe_segments(parse_pattern("heartbeat", "--pattern", {})) ==
        "on 70ms, off 245ms, on 70ms, off 875ms");
  CHECK(blinkd::describe_segments(parse_pattern("on", "--pattern", {})) == "steady on");
  std::string many;
  for (int i = 0; i < 1024; ++i) {
    many += i == 0 ? "1ms" : "/1ms";
  }
  const std::string long_text = blinkd::describe_segments(parse_pattern(many, "--pattern", {}));
  CHECK(long_text.size() < 300);
  CHECK(long_text.ends_with(", ... 1024 segments in all, a cycle of 1.024s"));
}
