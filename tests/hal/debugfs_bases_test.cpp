// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "hal/hal.hpp"
#include "hal/sysfs_chips.hpp"

using hal::sysfs::parse_debugfs_bases;

namespace {
const std::filesystem::path kFile = "/sys/kernel/debug/gpio";
}

TEST_CASE("debugfs bases: every chip header gives its id and first global number") {
  const std::string summary =
      "gpiochip0: GPIOs 512-569, parent: platform/fe200000.gpio, pinctrl-bcm2711:\n"
      " gpio-529 (GPIO17              |gpio-blinkd         ) out hi\n"
      "\n"
      "gpiochip1: GPIOs 570-577, parent: platform/soc:firmware:gpio, raspberrypi-exp-gpio, "
      "can sleep:\n";
  CHECK(parse_debugfs_bases(summary, kFile) == std::map<unsigned, unsigned>{{0, 512}, {1, 570}});
}

TEST_CASE("debugfs bases: lines that are not chip headers are skipped, not errors") {
  // Line lists, a header of another shape, a chip with no number, a missing base.
  const std::string summary =
      " gpio-529 (GPIO17) out hi\n"
      "gpiochip2: GPIOs 1012-1015\n"
      "gpiochipX: GPIOs 1-2\n"
      "gpiochip3: GPIOs -5\n"
      "gpiochip4 GPIOs 5-6\n"
      "gpiochip5: GPIOs 7";
  CHECK(parse_debugfs_bases(summary, kFile) == std::map<unsigned, unsigned>{{2, 1012}});
  CHECK(parse_debugfs_bases("", kFile).empty());
}

TEST_CASE("debugfs bases: a number beyond the kernel's range is an error naming the file") {
  for (const char* summary :
       {"gpiochip0: GPIOs 2147483648-2147483650\n", "gpiochip99999999999: GPIOs 0-3\n"}) {
    CAPTURE(summary);
    try {
      (void)parse_debugfs_bases(summary, kFile);
      FAIL("accepted");
    } catch (const hal::Error& error) {
      CHECK(std::string(error.what()).find("/sys/kernel/debug/gpio") != std::string::npos);
      CHECK(std::string(error.what()).find("out of range (0 to 2147483647)") != std::string::npos);
    }
  }
  CHECK(parse_debugfs_bases("gpiochip0: GPIOs 2147483647-2147483647\n", kFile) ==
        std::map<unsigned, unsigned>{{0, 2147483647}});
}
