// SPDX-License-Identifier: MIT
// How the sysfs backend turns a LINE into a global number on a kernel-like tree.
#include <doctest/doctest.h>

#include "sysfs_rig.hpp"

using sysfs_test::error_of;
using sysfs_test::pi_kernel;
using sysfs_test::Rig;

namespace {

hal::ResolvedLine resolve(const Rig& rig, std::string_view spec) {
  return rig.backend()->resolve(hal::parse_line_spec(spec));
}

}  // namespace

TEST_CASE("CHIP:OFFSET by character-device name or label resolves through the chip's base") {
  Rig rig(pi_kernel());
  for (const char* spec : {"gpiochip0:17", "/dev/gpiochip0:17", "pinctrl-bcm2711:17"}) {
    CAPTURE(spec);
    const auto line = resolve(rig, spec);
    CHECK(line.global == 529U);
    CHECK(line.chip == "gpiochip0");
    CHECK(line.label == "pinctrl-bcm2711");
  }
  CHECK(resolve(rig, "gpiochip1:3").global == 573U);
}

TEST_CASE("the sysfs directory name gpiochipBASE is accepted when no chardev has that name") {
  Rig rig(pi_kernel());
  const auto line = resolve(rig, "gpiochip570:2");
  CHECK(line.global == 572U);
  CHECK(rig.logged("'gpiochip570' is not a character device here; taking the sysfs chip"));
}

TEST_CASE("a global number is placed on its chip and never assumed to start at 0") {
  Rig rig(pi_kernel());
  const auto line = resolve(rig, "529");
  CHECK(line.chip == "gpiochip0");
  CHECK(line.offset == 17);
  // Outside every chip: resolution leaves the verdict to the kernel at export time.
  const auto stray = resolve(rig, "17");
  CHECK(stray.global == 17U);
  CHECK(stray.chip.empty());
}

TEST_CASE("an offset beyond the chip and an unknown chip are refused before any export") {
  Rig rig(pi_kernel());
  CHECK(error_of([&] { (void)resolve(rig, "gpiochip1:8"); }) ==
        "line 'gpiochip1:8': offset 8 is out of range for gpiochip1 [raspberrypi-exp-gpio] (8 "
        "lines: 0..7)");
  CHECK(error_of([&] { (void)resolve(rig, "pinctrl-rp1:4"); })
            .starts_with("line 'pinctrl-rp1:4': no chip named or labelled 'pinctrl-rp1'; chips "
                         "found: gpiochip0 [pinctrl-bcm2711] global 512-569, gpiochip1 "
                         "[raspberrypi-exp-gpio] global 570-577"));
  CHECK(rig.kernel.events().empty());
}

TEST_CASE("line names need the character device and say so when it cannot be read") {
  Rig rig(pi_kernel());
  CHECK(error_of([&] { (void)resolve(rig, "GPIO17"); }) ==
        "line 'GPIO17': line names come from the GPIO character device, and no /dev/gpiochipN "
        "could be read; give CHIP:OFFSET or the global number, or use --backend gpiod");
}

TEST_CASE("banks of one device are not named by guesswork when the chardev cannot tell them") {
  fake_sysfs::KernelConfig config;
  config.chips = {{"gpio-sim.0-node0", 1016, 8, "gpio-sim.0"},
                  {"gpio-sim.0-node1", 1012, 4, "gpio-sim.0"}};
  Rig rig(config);
  CHECK(error_of([&] {
          (void)resolve(rig, "gpiochip1:0");
        }).starts_with("line 'gpiochip1:0': no chip named or labelled 'gpiochip1'"));
  CHECK(resolve(rig, "gpio-sim.0-node1:3").global == 1015U);
}

TEST_CASE("a chip attribute that is not a number is named with its content") {
  Rig rig(pi_kernel());
  // The fixture serves well-formed attributes; a plain tree stands in for a broken one.
  test_support::TempDir tree;
  test_support::write_file(tree.path() / "class/gpio/export", "");
  test_support::write_file(tree.path() / "class/gpio/gpiochip512/base", "five hundred\n");
  test_support::write_file(tree.path() / "class/gpio/gpiochip512/ngpio", "58\n");
  test_support::write_file(tree.path() / "class/gpio/gpiochip512/label", "x\n");
  hal::BackendOptions options;
  options.settings.set(hal::kSysfsRootSetting, std::string(tree.path()));
  CHECK(error_of([&] {
          (void)hal::make_backend("sysfs", options)->resolve(hal::parse_line_spec("x:1"));
        }) == (tree.path() / "class/gpio/gpiochip512/base").string() +
                  ": holds 'five hundred', expected a whole number from 0 to 2147483647");
}
