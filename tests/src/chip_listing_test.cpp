// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include "chip_listing.hpp"

TEST_CASE("the listing shows each chip and line with its global number and its user") {
  hal::ChipInfo chip{"gpiochip0", "pinctrl-bcm2711", 3, 512, {}};
  chip.lines = {{0, "ID_SDA", "", false, false, false},
                {1, "", "", false, true, false},
                {2, "GPIO2", "gpio-blinkd", true, true, true}};
  hal::ChipInfo no_base{"gpiochip1", "gpio-sim.0-node0", 1, std::nullopt, {}};
  no_base.lines = {{0, "", "sysfs", true, false, false}};
  CHECK(
      blinkd::format_chip_listing({chip, no_base}) ==
      "gpiochip0 [pinctrl-bcm2711]: 3 lines, global 512-514\n"
      "  line   0  global 512    \"ID_SDA\"          input\n"
      "  line   1  global 513    -                 output\n"
      "  line   2  global 514    \"GPIO2\"           output  active-low  used by \"gpio-blinkd\"\n"
      "gpiochip1 [gpio-sim.0-node0]: 1 line, no global numbers\n"
      "  line   0    -                 input   used by \"sysfs\"\n");
  CHECK(blinkd::format_chip_listing({}) == "no GPIO chips\n");
}
