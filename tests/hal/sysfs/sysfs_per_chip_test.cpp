// SPDX-License-Identifier: MIT
// The per-chip sysfs ABI of Linux 6.17 (class/gpio/chipX/export by offset), used when
// the legacy export is absent (CONFIG_GPIO_SYSFS_LEGACY off).
#include <doctest/doctest.h>

#include "sysfs_rig.hpp"

using sysfs_test::error_of;
using sysfs_test::Rig;

namespace {

fake_sysfs::KernelConfig per_chip_kernel() {
  fake_sysfs::KernelConfig config;
  config.chips = {{"pinctrl-bcm2711", 512, 58}, {"raspberrypi-exp-gpio", 570, 8}};
  config.legacy_abi = false;
  config.chip_abi = true;
  return config;
}

hal::LineSettings active_low() {
  hal::LineSettings settings;
  settings.active_low = true;
  return settings;
}

}  // namespace

TEST_CASE("without the legacy export a line is exported by offset through chipX") {
  Rig rig(per_chip_kernel());
  auto line = rig.open(hal::parse_line_spec("gpiochip0:17"));
  CHECK(rig.event_kinds(529) == std::vector<std::string>{"export", "direction low"});
  CHECK(rig.logged("exported gpiochip0 line 17"));
  CHECK(rig.logged("(per-chip sysfs ABI)"));
  line.set(0, true);
  CHECK(rig.kernel.physical_level(529) == true);
  line.set(0, false);
  CHECK(rig.kernel.physical_level(529) == false);
}

TEST_CASE("the per-chip ABI has no active_low: the backend inverts the level itself") {
  Rig rig(per_chip_kernel());
  auto line = rig.open(hal::parse_line_spec("pinctrl-bcm2711:4"), active_low());
  CHECK(rig.kernel.physical_level(516) == true);  // off
  line.set(0, true);
  CHECK(rig.kernel.physical_level(516) == false);
  line.set(0, false);
  CHECK(rig.kernel.physical_level(516) == true);
  CHECK(rig.kernel.active_low(516) == false);  // the kernel was never asked
}

TEST_CASE("an existing per-chip export is adopted and --unexport releases it by offset") {
  auto config = per_chip_kernel();
  config.exported = {{573, true, true}};
  Rig rig(config);
  rig.options.settings.set("unexport", true);
  auto line = rig.open(hal::parse_line_spec("gpiochip1:3"));
  CHECK(rig.logged("gpiochip1 line 3 is already exported: adopting"));
  CHECK(rig.kernel.physical_level(573) == false);
  (void)line.release();
  CHECK_FALSE(rig.kernel.exported(573));
  CHECK(rig.logged("unexported gpiochip1 line 3"));
}

TEST_CASE("per-chip export errors name the chip and the offset") {
  auto config = per_chip_kernel();
  config.busy = {{529, "led0"}};
  config.invalid = {530};
  Rig rig(config);
  CHECK(error_of([&] { (void)rig.open(hal::parse_line_spec("gpiochip0:17")); })
            .starts_with("gpiochip0 line 17: cannot be exported: gpiochip0 [pinctrl-bcm2711] "
                         "offset 17 is busy: Device or resource busy"));
  CHECK(error_of([&] { (void)rig.open(hal::parse_line_spec("gpiochip0:18")); }) ==
        (rig.mount.mountpoint() / "class/gpio/chip0/export").string() +
            ": the kernel rejected offset 18: Invalid argument; the line is masked or "
            "does not exist on this chip");
}

TEST_CASE("global numbers need bases, which a per-chip-only kernel does not show") {
  Rig rig(per_chip_kernel());
  CHECK(error_of([&] { (void)rig.backend()->resolve(hal::parse_line_spec("529")); }) ==
        "line '529': this kernel has no global GPIO numbers (no legacy sysfs ABI, no debugfs to "
        "tell the bases); name the line as gpiochipN:OFFSET, LABEL:OFFSET or by its name");
  const auto chips = rig.backend()->list_chips();
  REQUIRE(chips.size() == 2);
  CHECK(chips[1].name == "gpiochip1");
  CHECK(chips[1].label == "raspberrypi-exp-gpio");
  CHECK_FALSE(chips[1].base.has_value());
}

TEST_CASE("with both ABIs the legacy one is used, with the kernel's active_low") {
  auto config = per_chip_kernel();
  config.legacy_abi = true;
  Rig rig(config);
  auto line = rig.open(hal::parse_line_spec("gpiochip0:17"), active_low());
  CHECK(rig.kernel.active_low(529) == true);
  CHECK(rig.logged("exported GPIO 529"));
}
