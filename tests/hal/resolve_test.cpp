// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "hal/hal.hpp"

using hal::ChipInfo;
using hal::LineInfo;
using hal::parse_line_spec;
using hal::resolve_on_chips;

namespace {

// Two chips like a Raspberry Pi 4 on kernel 6.6+: header chip based at 512.
std::vector<ChipInfo> pi_like_chips() {
  ChipInfo header{"gpiochip0", "pinctrl-bcm2711", 58, 512, {}};
  for (unsigned offset = 0; offset < 58; ++offset) {
    header.lines.push_back(
        LineInfo{offset, "GPIO" + std::to_string(offset), {}, false, false, false});
  }
  ChipInfo expander{"gpiochip1", "raspberrypi-exp-gpio", 8, 570, {}};
  for (unsigned offset = 0; offset < 8; ++offset) {
    expander.lines.push_back(
        LineInfo{offset, offset == 2 ? "GPIO17" : "", {}, false, false, false});
  }
  return {header, expander};
}

std::string error_of(std::string_view spec, const std::vector<ChipInfo>& chips) {
  try {
    (void)resolve_on_chips(parse_line_spec(spec), chips);
  } catch (const hal::Error& error) {
    return error.what();
  }
  return "resolved";
}

}  // namespace

TEST_CASE("every form resolves to the same physical line") {
  const auto chips = pi_like_chips();
  for (const char* spec : {"529", "gpiochip0:17", "/dev/gpiochip0:17", "pinctrl-bcm2711:17"}) {
    CAPTURE(spec);
    const auto line = resolve_on_chips(parse_line_spec(spec), chips);
    CHECK(line.chip == "gpiochip0");
    CHECK(line.label == "pinctrl-bcm2711");
    CHECK(line.offset == 17);
    CHECK(line.global == 529U);
    CHECK(line.name == "GPIO17");
    CHECK(line.describe() == "gpiochip0 [pinctrl-bcm2711] offset 17 (GPIO17, global 529)");
  }
}

TEST_CASE("a global number is found in whichever chip covers it never assuming base 0") {
  const auto line = resolve_on_chips(parse_line_spec("571"), pi_like_chips());
  CHECK(line.chip == "gpiochip1");
  CHECK(line.offset == 1);
  CHECK(error_of("17", pi_like_chips()) ==
        "line '17': no chip covers global GPIO number 17; chips found: gpiochip0 "
        "[pinctrl-bcm2711] global 512-569, gpiochip1 [raspberrypi-exp-gpio] global 570-577");
}

TEST_CASE("an offset beyond the chip's lines is out of range") {
  CHECK(error_of("gpiochip1:8", pi_like_chips()) ==
        "line 'gpiochip1:8': offset 8 is out of range for gpiochip1 [raspberrypi-exp-gpio] (8 "
        "lines: 0..7)");
}

TEST_CASE("an unknown chip lists the chips there are") {
  CHECK(error_of("gpiochip4:17", pi_like_chips())
            .starts_with("line 'gpiochip4:17': no chip named or labelled 'gpiochip4'; chips "
                         "found: gpiochip0 [pinctrl-bcm2711]"));
}

TEST_CASE("a label carried by two chips is ambiguous") {
  auto chips = pi_like_chips();
  chips[1].label = "pinctrl-bcm2711";
  CHECK(error_of("pinctrl-bcm2711:3", chips) ==
        "line 'pinctrl-bcm2711:3': label 'pinctrl-bcm2711' is ambiguous: 2 chips carry it "
        "(gpiochip0 [pinctrl-bcm2711], gpiochip1 [pinctrl-bcm2711]); name the chip as gpiochipN "
        "instead");
}

TEST_CASE("a line name found on two chips is ambiguous and lists the candidates") {
  CHECK(error_of("GPIO17", pi_like_chips()) ==
        "line 'GPIO17': name 'GPIO17' is ambiguous: 2 lines carry it (gpiochip0:17, "
        "gpiochip1:2); name the line as CHIP:OFFSET instead");
  const auto line = resolve_on_chips(parse_line_spec("GPIO4"), pi_like_chips());
  CHECK(line.offset == 4);
  CHECK(error_of("gpio4", pi_like_chips()).starts_with("line 'gpio4': no line is named 'gpio4'"));
}

TEST_CASE("the same line under two specs is recognised") {
  const auto chips = pi_like_chips();
  const auto by_number = resolve_on_chips(parse_line_spec("529"), chips);
  const auto by_label = resolve_on_chips(parse_line_spec("pinctrl-bcm2711:17"), chips);
  const auto other = resolve_on_chips(parse_line_spec("530"), chips);
  CHECK(by_number.same_line(by_label));
  CHECK_FALSE(by_number.same_line(other));
}

TEST_CASE("errors compose subject problem errno text and hint on one line") {
  const hal::Error error("/sys/class/gpio/export", "writing '529' failed", EBUSY, "ask nicely");
  CHECK(std::string(error.what()) ==
        "/sys/class/gpio/export: writing '529' failed: Device or resource busy; ask nicely");
  CHECK(error.errnum() == EBUSY);
  CHECK(error.subject() == "/sys/class/gpio/export");
}
