// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <stdexcept>

#include "hal/hal.hpp"

using hal::ChipOffset;
using hal::GlobalNumber;
using hal::LineName;
using hal::parse_line_spec;

TEST_CASE("a number is a global GPIO number") {
  const auto spec = parse_line_spec("136");
  CHECK(spec.address == decltype(spec.address){GlobalNumber{136}});
  CHECK(spec.text == "136");
  CHECK(parse_line_spec("0").address == decltype(spec.address){GlobalNumber{0}});
}

TEST_CASE("CHIP:OFFSET takes gpiochipN /dev/gpiochipN or a label split at the last colon") {
  CHECK(parse_line_spec("gpiochip0:17").address ==
        decltype(hal::LineSpec::address){ChipOffset{"gpiochip0", 17}});
  CHECK(parse_line_spec("/dev/gpiochip4:3").address ==
        decltype(hal::LineSpec::address){ChipOffset{"/dev/gpiochip4", 3}});
  CHECK(parse_line_spec("pinctrl-bcm2711:17").address ==
        decltype(hal::LineSpec::address){ChipOffset{"pinctrl-bcm2711", 17}});
  // i2c expander labels may hold colons themselves
  CHECK(parse_line_spec("1-0020:a:5").address ==
        decltype(hal::LineSpec::address){ChipOffset{"1-0020:a", 5}});
}

TEST_CASE("anything else is a line name") {
  CHECK(parse_line_spec("GPIO17").address == decltype(hal::LineSpec::address){LineName{"GPIO17"}});
  CHECK(parse_line_spec("PE8").address == decltype(hal::LineSpec::address){LineName{"PE8"}});
}

TEST_CASE("malformed specs are rejected naming the input and listing the forms") {
  auto message_of = [](std::string_view text) {
    try {
      (void)parse_line_spec(text);
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("accepted");
  };
  CHECK(message_of("").starts_with("empty line spec; expected a global number"));
  CHECK(message_of("gpiochip0:").starts_with("line 'gpiochip0:': the part after the last ':'"));
  CHECK(message_of("gpiochip0:x1").starts_with("line 'gpiochip0:x1': the part after"));
  CHECK(message_of(":3").starts_with("line ':3': chip missing before ':'"));
  CHECK(message_of("GPIO 17").starts_with("line 'GPIO 17': contains whitespace"));
  CHECK(message_of("99999999999").starts_with("line '99999999999': number too large"));
  CHECK(message_of("chip:99999999999").starts_with("line 'chip:99999999999': offset too large"));
  CHECK(message_of("x").find("expected a global number (136), CHIP:OFFSET") == std::string::npos);
}
