#include <doctest/doctest.h>

#include <stdexcept>

#include "duration.hpp"

using namespace std::chrono_literals;
using blinkd::format_duration;
using blinkd::parse_duration;

TEST_CASE("durations accept us ms s and m with decimals") {
  CHECK(parse_duration("250us", "d") == 250us);
  CHECK(parse_duration("500ms", "d") == 500ms);
  CHECK(parse_duration("1s", "d") == 1s);
  CHECK(parse_duration("1.5s", "d") == 1500ms);
  CHECK(parse_duration("0.25ms", "d") == 250us);
  CHECK(parse_duration("2m", "d") == 120s);
  CHECK(parse_duration("1min", "d") == 60s);
  CHECK(parse_duration("0s", "d") == 0s);
  CHECK(parse_duration("12.345678s", "d") == 12345678us);
}

TEST_CASE("durations without a unit with junk or too long are rejected with the input named") {
  auto message_of = [](const char* text) {
    try {
      (void)parse_duration(text, "option --on");
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK(message_of("100") ==
        "option --on '100': the unit is missing; expected a number with a "
        "unit, e.g. 500ms, 1s, 1.5s, 250us, 2m");
  CHECK(message_of("1h").find("unknown unit") != std::string::npos);
  CHECK(message_of("ms").find("not a number") != std::string::npos);
  CHECK(message_of("-1s").find("not a number") != std::string::npos);
  CHECK(message_of("1.s").find("not a number") != std::string::npos);
  CHECK(message_of("1e3ms").find("'1e3ms'") != std::string::npos);
  CHECK(message_of("25h").find("unknown unit") != std::string::npos);
  CHECK(message_of("1441m").find("longer than one day") != std::string::npos);
  CHECK(message_of("99999999999999999999s").find("longer than one day") != std::string::npos);
  CHECK(message_of("0.0000000001s").find("finer than one nanosecond") != std::string::npos);
  CHECK(message_of("").find("empty") != std::string::npos);
}

TEST_CASE("durations are formatted in their shortest exact form") {
  CHECK(format_duration(1s) == "1s");
  CHECK(format_duration(1500ms) == "1.5s");
  CHECK(format_duration(250ms) == "250ms");
  CHECK(format_duration(12500ns) == "12.5us");
  CHECK(format_duration(3ns) == "3ns");
  CHECK(format_duration(0s) == "0s");
  CHECK(format_duration(std::chrono::nanoseconds(1'000'000'001)) == "1.000000001s");
}
