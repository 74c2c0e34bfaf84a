// SPDX-License-Identifier: MIT
// The real binary driving a kernel-like sysfs tree: every fault the issue names, checked
// by exit code, message and what the fake kernel saw.
#include <doctest/doctest.h>

#include <csignal>

#include "daemon_rig.hpp"

using namespace integration;
using test_support::clean_environment;
using test_support::kSchedulingSlack;
using test_support::Process;

namespace {

bool ready(const std::string& err) {
  return contains(err, "ready: Blinking");
}

}  // namespace

TEST_CASE("a missing /sys/class/gpio exits 1 naming it") {
  test_support::TempDir empty;
  const auto result = test_support::run_process(
      daemon_argv({"--backend", "sysfs", "--sysfs-root", empty.path().string(), "136"}),
      clean_environment());
  CHECK(result.exit_code == 1);
  CHECK(count_lines(result.err) == 3);  // starting, backend, the error
  CHECK(contains(result.err, "error   " + (empty.path() / "class/gpio").string() +
                                 ": does not exist or cannot be accessed: No such file or "
                                 "directory; the kernel has no sysfs GPIO interface"));
}

TEST_CASE("a missing export file exits 1 naming it") {
  auto config = pi_kernel();
  config.has_export_file = false;
  DaemonRig rig(config);
  const auto result = rig.run({"529"});
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, "class/gpio/export: is missing: No such file or directory"));
}

TEST_CASE("EINVAL from export exits 1 with the chips in the message") {
  DaemonRig rig(pi_kernel());
  const auto result = rig.run({"17"});
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err,
                 "class/gpio/export: the kernel rejected GPIO 17: Invalid argument; "
                 "no chip provides it; chips found: gpiochip0 [pinctrl-bcm2711] "
                 "global 512-569, gpiochip1 [raspberrypi-exp-gpio] global 570-577; "
                 "this kernel numbers gpiochip0 from 512: did you mean 529"));
}

TEST_CASE("a line a driver owns exits 1 saying it is busy") {
  auto config = pi_kernel();
  config.busy = {{529, "ACT"}};
  DaemonRig rig(config);
  const auto result = rig.run({"gpiochip0:17"});
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err,
                 "GPIO 529: cannot be exported: gpiochip0 [pinctrl-bcm2711] offset "
                 "17 (global 529) is busy: Device or resource busy; owned by a "
                 "kernel driver or another process"));
}

TEST_CASE("--count 3 drives exactly 3 on-edges and ends off with exit 0") {
  DaemonRig rig(pi_kernel());
  const auto result = rig.run({"--on", "30ms", "--off", "30ms", "--count", "3", "529"});
  CHECK(result.exit_code == 0);
  const Levels levels = rig.levels(529);
  CHECK(levels.high == 3);
  CHECK(levels.low == 3);
  CHECK(rig.kernel.physical_level(529) == false);
  CHECK(rig.kernel.exported(529));  // kept for the next start to adopt
  CHECK(contains(result.err, "done: 3 blinks per line"));
}

TEST_CASE("a stale export is adopted and blinked") {
  auto config = pi_kernel();
  config.exported = {{529, true, true}};  // left driven high by a killed predecessor
  DaemonRig rig(config);
  const auto result = rig.run({"--on", "20ms", "--off", "20ms", "--count", "2", "529"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.err, "GPIO 529 is already exported: adopting"));
  CHECK_FALSE(rig.has_event(529, "export"));
  CHECK(rig.levels(529).high == 2);
  CHECK(rig.kernel.physical_level(529) == false);
}

TEST_CASE("SIGTERM SIGINT and SIGHUP drive every line to its safe level and exit 0") {
  for (int signal : {SIGTERM, SIGINT, SIGHUP}) {
    CAPTURE(signal);
    DaemonRig rig(pi_kernel());
    // An active-low line: safe (off) is physically high.
    Process daemon(rig.argv({"--on", "40ms", "--off", "40ms", "529,active-low", "gpiochip1:2"}),
                   clean_environment());
    REQUIRE(daemon.wait_for_stderr(ready, 5s));
    // Stop it while the lines are on.
    const auto on_deadline = std::chrono::steady_clock::now() + 5s;
    while (rig.kernel.physical_level(529) != false &&
           std::chrono::steady_clock::now() < on_deadline) {
      struct timespec pause {
        0, 1'000'000
      };
      nanosleep(&pause, nullptr);
    }
    daemon.signal(signal);
    const auto result = daemon.wait(5s);
    CHECK(result.exit_code == 0);
    CHECK(rig.kernel.physical_level(529) == true);
    CHECK(rig.kernel.physical_level(572) == false);
    CHECK(contains(result.err, "received: every line is off and released; exiting"));
  }
}

TEST_CASE("after SIGKILL a restart adopts the export and blinks again") {
  DaemonRig rig(pi_kernel());
  {
    Process first(rig.argv({"--on", "20ms", "--off", "20ms", "529"}), clean_environment());
    REQUIRE(first.wait_for_stderr(ready, 5s));
    first.signal(SIGKILL);
    CHECK(first.wait(5s).term_signal == SIGKILL);
  }
  CHECK(rig.kernel.exported(529));
  const auto before = rig.levels(529).high;
  const auto result = rig.run({"--on", "20ms", "--off", "20ms", "--count", "2", "529"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.err, "adopting"));
  CHECK(rig.levels(529).high == before + 2);
}

TEST_CASE("a second daemon on a line already blinking exits 1 and leaves the first alone") {
  DaemonRig rig(pi_kernel());
  Process first(rig.argv({"--on", "20ms", "--off", "20ms", "529"}), clean_environment());
  REQUIRE(first.wait_for_stderr(ready, 5s));
  const auto second = rig.run({"529"});
  CHECK(second.exit_code == 1);
  CHECK(contains(second.err, "GPIO 529: is already driven by another gpio-blinkd"));
  CHECK(first.running());
  first.signal(SIGTERM);
  CHECK(first.wait(5s).exit_code == 0);
}

TEST_CASE("a chip removed while blinking exits 1 within one period and names the cause") {
  DaemonRig rig(pi_kernel());
  Process daemon(rig.argv({"--on", "100ms", "--off", "100ms", "529", "gpiochip1:3"}),
                 clean_environment());
  REQUIRE(daemon.wait_for_stderr(ready, 5s));
  REQUIRE(rig.kernel.remove_chip("pinctrl-bcm2711"));
  const auto removed = std::chrono::steady_clock::now();
  const auto result = daemon.wait(5s);
  // Found at the next edge (at most one 100ms phase later), plus scheduling slack.
  CHECK(std::chrono::steady_clock::now() - removed < 100ms + kSchedulingSlack);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, "/gpio529/value: writing"));
  CHECK(contains(result.err, "No such device; the GPIO chip went away"));
  CHECK_FALSE(contains(result.err, "could not drive to the safe level"));  // said once only
  CHECK(rig.kernel.physical_level(573) == false);  // the surviving line was driven off
}

TEST_CASE("a slow udev is waited for and a stuck one is reported") {
  auto config = pi_kernel();
  config.udev_delay = 300ms;
  DaemonRig rig(config);
  auto result = rig.run({"--count", "1", "--on", "10ms", "--off", "10ms", "529"});
  CHECK(result.exit_code == 0);
  CHECK(rig.levels(529).high == 1);

  result = rig.run({"--permission-wait", "100ms", "--count", "1", "530"});
  CHECK(result.exit_code == 1);
  CHECK(
      contains(result.err, "/gpio530/active_low: cannot be opened for writing: Permission denied"));
  CHECK_FALSE(rig.kernel.exported(530));
}

TEST_CASE("SIGUSR1 logs one stats line and the blink goes on") {
  DaemonRig rig(pi_kernel());
  Process daemon(rig.argv({"--on", "20ms", "--off", "20ms", "529"}), clean_environment());
  REQUIRE(daemon.wait_for_stderr(ready, 5s));
  daemon.signal(SIGUSR1);
  CHECK(daemon.wait_for_stderr(
      [](const std::string& err) { return contains(err, "notice  stats: uptime "); }, 5s));
  CHECK(daemon.running());
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(5s).exit_code == 0);
}

TEST_CASE("--unexport leaves no export behind") {
  DaemonRig rig(pi_kernel());
  const auto result =
      rig.run({"--unexport", "--count", "1", "--on", "10ms", "--off", "10ms", "529"});
  CHECK(result.exit_code == 0);
  CHECK_FALSE(rig.kernel.exported(529));
  CHECK(contains(result.err, "unexported GPIO 529"));
}

TEST_CASE("a container configured by environment alone blinks its lines") {
  DaemonRig rig(pi_kernel());
  auto environment = clean_environment();
  environment["GPIO_BLINKD_LINES"] = "529 pinctrl-bcm2711:18,phase=10ms";
  environment["GPIO_BLINKD_ON"] = "20ms";
  environment["GPIO_BLINKD_OFF"] = "20ms";
  environment["GPIO_BLINKD_COUNT"] = "2";
  environment["GPIO_BLINKD_BACKEND"] = "sysfs";
  environment["GPIO_BLINKD_SYSFS_ROOT"] = rig.mount.mountpoint().string();
  const auto result = test_support::run_process(daemon_argv({}), environment);
  CHECK(result.exit_code == 0);
  CHECK(rig.levels(529).high == 2);
  CHECK(rig.levels(530).high == 2);
}
