// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <stdexcept>

#include "duration.hpp"
#include "usage_error.hpp"

using namespace std::chrono_literals;
using blinkd::Duration;
using blinkd::DurationRange;
using blinkd::format_duration;
using blinkd::parse_duration;

namespace {

constexpr DurationRange kAny{0ns, 24h};

std::string message_of(const char* text, DurationRange range = kAny) {
  try {
    (void)parse_duration(text, "option --on", range);
  } catch (const blinkd::UsageError& error) {
    return error.what();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("durations accept ns us ms s m min and h with decimals") {
  CHECK(parse_duration("250us", "d", kAny) == 250us);
  CHECK(parse_duration("500ms", "d", kAny) == 500ms);
  CHECK(parse_duration("1s", "d", kAny) == 1s);
  CHECK(parse_duration("1.5s", "d", kAny) == 1500ms);
  CHECK(parse_duration(".5s", "d", kAny) == 500ms);
  CHECK(parse_duration("0.25ms", "d", kAny) == 250us);
  CHECK(parse_duration("2m", "d", kAny) == 120s);
  CHECK(parse_duration("1min", "d", kAny) == 60s);
  CHECK(parse_duration("1.5h", "d", kAny) == 90min);
  CHECK(parse_duration("7ns", "d", kAny) == 7ns);
  CHECK(parse_duration("0s", "d", kAny) == 0s);
  CHECK(parse_duration("12.345678s", "d", kAny) == 12345678us);
  CHECK(parse_duration("1.000000000000s", "d", kAny) == 1s);  // zeros below 1ns are harmless
  CHECK(parse_duration("000000000000000000000000001s", "d", kAny) == 1s);
}

TEST_CASE(
    "durations without a unit with junk or out of range are rejected naming input and range") {
  CHECK(message_of("100") ==
        "option --on '100': the unit is missing; expected a number with a unit (ns, us, ms, s, "
        "m, h), e.g. 500ms, 1.5s, from 0s to 24h");
  CHECK(message_of("1d").find("unknown unit") != std::string::npos);
  CHECK(message_of("ms").find("not a number") != std::string::npos);
  CHECK(message_of("-1s").find("not a number") != std::string::npos);
  CHECK(message_of("+1s").find("not a number") != std::string::npos);
  CHECK(message_of(" 1s").find("not a number") != std::string::npos);
  CHECK(message_of("1.s").find("not a number") != std::string::npos);
  CHECK(message_of("1.2.3s").find("not a number") != std::string::npos);
  CHECK(message_of("1e3ms").find("'1e3ms'") != std::string::npos);
  CHECK(message_of("25h").find("longer than 24h") != std::string::npos);
  CHECK(message_of("1441m").find("longer than 24h") != std::string::npos);
  CHECK(message_of("99999999999999999999s").find("longer than 24h") != std::string::npos);
  CHECK(message_of("0.0000000001s").find("finer than one nanosecond") != std::string::npos);
  CHECK(message_of("").find("empty") != std::string::npos);
  CHECK(message_of("5ms", {10ms, 1s}) ==
        "option --on '5ms': shorter than 10ms; expected a number with a unit (ns, us, ms, s, m, "
        "h), e.g. 500ms, 1.5s, from 10ms to 1s");
}

TEST_CASE("unit scaling is checked: no input wraps around the 64-bit nanosecond count") {
  // Each of these overflowed int64 nanoseconds in the multiplication by the unit.
  for (const char* text : {"76075909788651m", "86400000000000s", "9223372036854775807us",
                           "153722867280912931m", "2562047788015216h", "9223372036854775808ns",
                           "18446744073709551615s", "18446744073709551616s"}) {
    CHECK_MESSAGE(message_of(text).find("longer than 24h") != std::string::npos, text);
  }
  constexpr DurationRange kWide{0ns, Duration::max()};
  CHECK(parse_duration("9223372036854775807ns", "d", kWide) == Duration::max());
  CHECK(message_of("9223372036854775808ns", kWide).find("longer than") != std::string::npos);
  CHECK(parse_duration("9223372036.854775807s", "d", kWide) == Duration::max());
  CHECK(message_of("9223372036.854775808s", kWide).find("longer than") != std::string::npos);
}

TEST_CASE("durations are formatted in their shortest exact form") {
  CHECK(format_duration(1s) == "1s");
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(12500ns) == "12.5us");
  CHECK(format_duration(3ns) == "3ns");
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(90s) == "90s");
  CHECK(format_duration(2min) == "2m");
  CHECK(format_duration(24h) == "24h");
  CHECK(format_duration(-1500ms) == "-1.5s");
  CHECK(format_duration(Duration::min()) == "-9223372036.854775808s");
  CHECK(format_duration(std::chrono::nanoseconds(1'000'000'001)) == "1.000000001s");
}
