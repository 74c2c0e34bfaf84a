// SPDX-License-Identifier: MIT
// The sysfs backend against a kernel-like fake served through FUSE.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "sysfs_rig.hpp"

using namespace std::chrono_literals;
using sysfs_test::error_of;
using sysfs_test::pi_kernel;
using sysfs_test::Rig;

namespace {

const hal::LineSpec kGpio17 = hal::parse_line_spec("529");

hal::LineSettings active_low() {
  hal::LineSettings settings;
  settings.active_low = true;
  return settings;
}

// How many of this process's descriptors are open on `file`.
int open_descriptors_on(const std::filesystem::path& file) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    if (std::filesystem::read_symlink(entry.path(), ec) == file) {
      ++count;
    }
  }
  return count;
}

}  // namespace

TEST_CASE("a fresh line is exported then set active_low then direction with its safe level") {
  Rig rig(pi_kernel());
  auto line = rig.open(kGpio17);
  CHECK(rig.event_kinds(529) ==
        std::vector<std::string>{"export", "active_low 0", "direction low"});
  CHECK(rig.kernel.direction(529) == "out");
  CHECK(rig.kernel.physical_level(529) == false);
  CHECK(rig.logged("exported GPIO 529"));
}

TEST_CASE("active-low is written before direction so an active-low line starts high") {
  Rig rig(pi_kernel());
  auto line = rig.open(kGpio17, active_low());
  CHECK(rig.event_kinds(529) ==
        std::vector<std::string>{"export", "active_low 1", "direction high", "level 1"});
  line.set(0, true);
  CHECK(rig.kernel.physical_level(529) == false);
  line.set(0, false);
  CHECK(rig.kernel.physical_level(529) == true);
}

TEST_CASE("set drives the logical level through one value descriptor kept open") {
  Rig rig(pi_kernel());
  auto line = rig.open(kGpio17);
  const auto value =
      rig.mount.mountpoint() / "devices/platform/fake-gpio.0/gpiochip0/gpio/gpio529/value";
  CHECK(open_descriptors_on(value) == 1);
  for (int i = 0; i < 3; ++i) {
    line.set(0, true);
    CHECK(rig.kernel.physical_level(529) == true);
    line.set(0, false);
    CHECK(rig.kernel.physical_level(529) == false);
  }
  CHECK(open_descriptors_on(value) == 1);
  (void)line.release();
  CHECK(open_descriptors_on(value) == 0);
  CHECK(rig.kernel.exported(529));  // kept exported so a restart adopts it
}

TEST_CASE("an existing export is adopted and its settings are made ours") {
  auto config = pi_kernel();
  // Left behind as an interrupt input: the kernel refuses an output direction until the
  // edge detection is off.
  config.exported = {{529, false, false, false, "both"}};
  Rig rig(config);
  auto line = rig.open(kGpio17, active_low());
  CHECK(rig.logged("GPIO 529 is already exported: adopting"));
  CHECK(rig.logged("edge: was 'both', setting 'none'"));
  CHECK(rig.event_kinds(529) ==
        std::vector<std::string>{"active_low 1", "edge none", "direction high", "level 1"});
  CHECK(rig.kernel.active_low(529) == true);
  CHECK(rig.kernel.physical_level(529) == true);  // off, active-low
}

TEST_CASE("EBUSY with the line already exported by someone else is adopted") {
  auto config = pi_kernel();
  Rig rig(config);
  // Another process exports it between our check and our write: the kernel says EBUSY.
  auto backend = rig.backend();
  REQUIRE(rig.kernel.write_export("529") == 0);
  auto line = hal::open_lines(*backend, std::span(&kGpio17, 1), {});
  CHECK(rig.kernel.direction(529) == "out");
}

TEST_CASE("EBUSY without an export means a driver owns the line: fatal and named") {
  auto config = pi_kernel();
  config.busy = {{529, "led0"}};
  Rig rig(config);
  CHECK(error_of([&] { (void)rig.open(kGpio17); }) ==
        "GPIO 529: cannot be exported: gpiochip0 [pinctrl-bcm2711] offset 17 (global 529) is "
        "busy: Device or resource busy; owned by a kernel driver or another process (see "
        "gpioinfo, or /sys/kernel/debug/gpio)");
  CHECK_FALSE(rig.kernel.exported(529));
}

TEST_CASE("EINVAL lists the chips and suggests the renumbered global number") {
  Rig rig(pi_kernel());
  const std::string message = error_of([&] { (void)rig.open(hal::parse_line_spec("17")); });
  CHECK(message == (rig.mount.mountpoint() / "class/gpio/export").string() +
                       ": the kernel rejected GPIO 17: Invalid argument; no chip provides it; "
                       "chips found: gpiochip0 [pinctrl-bcm2711] global 512-569, gpiochip1 "
                       "[raspberrypi-exp-gpio] global 570-577; this kernel numbers gpiochip0 "
                       "from 512: did you mean 529 (gpiochip0:17)? CHIP:OFFSET survives "
                       "renumbering (Raspberry Pi kernels 6.6+ moved the base from 0 to 512)");
}

TEST_CASE("a missing class/gpio directory or export file is named with what to do") {
  test_support::TempDir empty;
  hal::BackendOptions options;
  options.settings.set(hal::kSysfsRootSetting, std::string(empty.path()));
  auto backend = hal::make_backend("sysfs", options);
  const std::string missing_dir =
      error_of([&] { (void)hal::open_lines(*backend, std::span(&kGpio17, 1), {}); });
  CHECK(missing_dir == (empty.path() / "class/gpio").string() +
                           ": does not exist or cannot be accessed: No such file or directory; "
                           "the kernel has no sysfs GPIO interface (CONFIG_GPIO_SYSFS), /sys is "
                           "not mounted here, or --sysfs-root is wrong; in a container "
                           "bind-mount /sys (-v /sys:/sys)");

  auto config = pi_kernel();
  config.has_export_file = false;
  Rig rig(config);
  CHECK(error_of([&] { (void)rig.open(kGpio17); }) ==
        (rig.mount.mountpoint() / "class/gpio/export").string() +
            ": is missing: No such file or directory; this kernel offers neither the legacy "
            "sysfs export nor the per-chip one (Linux 6.17+); use --backend gpiod");
}

TEST_CASE("after export the backend waits for udev to make the attributes writable") {
  auto config = pi_kernel();
  config.udev_delay = 300ms;
  Rig rig(config);
  const auto before = std::chrono::steady_clock::now();
  auto line = rig.open(kGpio17);
  CHECK(std::chrono::steady_clock::now() - before >= 300ms);
  CHECK(rig.kernel.direction(529) == "out");
  CHECK(rig.event_kinds(529).front() == "export");
}

TEST_CASE("attributes still unwritable after --permission-wait are fatal, named, and unexported") {
  auto config = pi_kernel();
  config.udev_delay = 5000ms;
  Rig rig(config);
  rig.options.settings.set("permission-wait", std::chrono::nanoseconds(200ms));
  const std::string message = error_of([&] { (void)rig.open(kGpio17); });
  CHECK(message.find("/gpio529/active_low: cannot be opened for writing: Permission denied; run "
                     "as root, or as a member of the group that udev gives /sys/class/gpio") !=
        std::string::npos);
  CHECK(message.find("raise --permission-wait") != std::string::npos);
  CHECK_FALSE(rig.kernel.exported(529));  // a failed start leaves nothing behind
}

TEST_CASE("--unexport releases the export when the line is destroyed") {
  Rig rig(pi_kernel());
  rig.options.settings.set("unexport", true);
  auto line = rig.open(kGpio17);
  CHECK(rig.kernel.exported(529));
  (void)line.release();
  CHECK_FALSE(rig.kernel.exported(529));
  CHECK(rig.logged("unexported GPIO 529"));
}

TEST_CASE("a chip that goes away makes the next set fail with ENODEV and a hint") {
  Rig rig(pi_kernel());
  auto line = rig.open(kGpio17);
  REQUIRE(rig.kernel.remove_chip("pinctrl-bcm2711"));
  const std::string message = error_of([&] { line.set(0, true); });
  CHECK(message.find("/gpio529/value: writing '1' failed: No such device; the GPIO chip went "
                     "away (driver unbound or device removed)") != std::string::npos);
}

TEST_CASE("drive and bias settings are refused: sysfs cannot set them") {
  Rig rig(pi_kernel());
  hal::LineSettings settings;
  settings.drive = hal::Drive::OpenDrain;
  CHECK(error_of([&] { (void)rig.open(kGpio17, settings); }) ==
        "line '529': the sysfs interface cannot set drive or bias; use --backend gpiod for "
        "open-drain, open-source and pull settings");
}

TEST_CASE("a line another gpio-blinkd drives is refused instead of fought over") {
  Rig rig(pi_kernel());
  auto first = rig.open(kGpio17);
  CHECK(error_of([&] { (void)rig.open(kGpio17); }) ==
        "GPIO 529: is already driven by another gpio-blinkd: Device or resource busy; stop that "
        "instance first; two blinkers on one line fight");
  first.set(0, true);
  CHECK(rig.kernel.physical_level(529) == true);  // the first keeps its line
  (void)first.release();
  CHECK_NOTHROW((void)rig.open(kGpio17));  // free again
}

TEST_CASE("on-exit: keep leaves the export at off, release unexports, park is refused") {
  Rig rig(pi_kernel());
  hal::LineSettings release;
  release.on_exit = hal::OnExit::Release;
  {
    auto kept = rig.open(hal::parse_line_spec("529"));
    auto released = rig.open(hal::parse_line_spec("530"), release);
    kept.set(0, true);
    released.set(0, true);
  }
  CHECK(rig.kernel.exported(529));
  CHECK(rig.kernel.physical_level(529) == false);
  CHECK_FALSE(rig.kernel.exported(530));
  CHECK(rig.event_kinds(530).back() == "unexport");
  CHECK(rig.logged("line '529': off, export kept for a restart to adopt"));
  CHECK(rig.logged("line '530': off, unexported"));
  hal::LineSettings park;
  park.on_exit = hal::OnExit::Park;
  CHECK(error_of([&] { (void)rig.open(hal::parse_line_spec("531"), park); }) ==
        "line '531': --on-exit park needs a bias, which the sysfs interface cannot set; use "
        "--backend gpiod, or keep (the default) or release");
  CHECK_FALSE(rig.kernel.exported(531));
}

TEST_CASE("lines opened before a failing one are off and released when open fails") {
  auto config = pi_kernel();
  config.busy = {{531, "led0"}};
  Rig rig(config);
  const std::vector<hal::LineSpec> specs{hal::parse_line_spec("529"), hal::parse_line_spec("530"),
                                         hal::parse_line_spec("531")};
  hal::LineSettings active_low_release;
  active_low_release.active_low = true;
  active_low_release.on_exit = hal::OnExit::Release;
  CHECK(error_of([&] {
          (void)hal::open_lines(*rig.backend(), specs, active_low_release);
        }).starts_with("GPIO 531: cannot be exported"));
  CHECK_FALSE(rig.kernel.exported(529));
  CHECK_FALSE(rig.kernel.exported(530));
  CHECK(rig.logged("line '529': off, unexported"));
}
