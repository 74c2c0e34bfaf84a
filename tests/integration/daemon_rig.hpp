// SPDX-License-Identifier: MIT
// The real daemon binary on a fake kernel served through FUSE by this test process.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "fixtures/fake_sysfs/fake_gpio_kernel.hpp"
#include "fixtures/fake_sysfs/fake_sysfs_mount.hpp"
#include "support/printers.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace integration {

using namespace std::chrono_literals;
using Environment = std::map<std::string, std::string>;

inline std::vector<std::string> daemon_argv(std::vector<std::string> args) {
  args.insert(args.begin(), BLINKD_EXE);
  return args;
}

// How many times a line went to each physical level, per the fake kernel.
struct Levels {
  int high = 0;
  int low = 0;
};

struct DaemonRig {
  explicit DaemonRig(fake_sysfs::KernelConfig config)
      : kernel(std::move(config)), mount(kernel, dir.path() / "sys") {}

  // argv after the program name; --sysfs-root and --backend sysfs are added.
  [[nodiscard]] std::vector<std::string> argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--backend", "sysfs", "--sysfs-root", mount.mountpoint().string()});
    return daemon_argv(std::move(args));
  }
  test_support::ProcessResult run(std::vector<std::string> args,
                                  Environment environment = test_support::clean_environment(),
                                  std::chrono::milliseconds timeout = 20s) const {
    return test_support::run_process(argv(std::move(args)), std::move(environment), timeout);
  }
  [[nodiscard]] Levels levels(unsigned number) const {
    Levels counted;
    for (const auto& event : kernel.events()) {
      if (event.number == number && event.kind == "level") {
        (event.arg == "1" ? counted.high : counted.low)++;
      }
    }
    return counted;
  }
  [[nodiscard]] bool has_event(unsigned number, std::string_view kind) const {
    const auto events = kernel.events();
    return std::any_of(events.begin(), events.end(), [&](const fake_sysfs::Event& event) {
      return event.number == number && event.kind == kind;
    });
  }

  test_support::TempDir dir;
  fake_sysfs::FakeGpioKernel kernel;
  fake_sysfs::FakeSysfsMount mount;
};

// A Raspberry Pi 4 on kernel 6.6+: the header chip is based at 512.
inline fake_sysfs::KernelConfig pi_kernel() {
  fake_sysfs::KernelConfig config;
  config.chips = {{"pinctrl-bcm2711", 512, 58}, {"raspberrypi-exp-gpio", 570, 8}};
  return config;
}

inline bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

inline int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace integration
