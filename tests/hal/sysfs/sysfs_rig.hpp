// SPDX-License-Identifier: MIT
// A sysfs backend on a fake kernel served through FUSE: real syscalls, kernel answers.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/fake_sysfs/fake_gpio_kernel.hpp"
#include "fixtures/fake_sysfs/fake_sysfs_mount.hpp"
#include "hal/registry.hpp"
#include "support/printers.hpp"
#include "support/temp_dir.hpp"

namespace sysfs_test {

struct Rig {
  explicit Rig(fake_sysfs::KernelConfig config)
      : kernel(std::move(config)), mount(kernel, dir.path() / "sys") {
    std::filesystem::create_directories(dir.path() / "dev");
    options.settings.set(hal::kSysfsRootSetting, std::string(mount.mountpoint()));
    options.settings.set(hal::kDevRootSetting, std::string(dir.path() / "dev"));
    options.settings.set("permission-wait",
                         std::chrono::nanoseconds(std::chrono::milliseconds(1000)));
    options.log = [this](hal::LogLevel, std::string_view message) { log.emplace_back(message); };
  }

  [[nodiscard]] std::unique_ptr<hal::Backend> backend() const {
    return hal::make_backend("sysfs", options);
  }
  // Resolve and open one line (its index in the Lines is 0).
  [[nodiscard]] hal::Lines open(const hal::LineSpec& spec,
                                const hal::LineSettings& settings = {}) const {
    return hal::open_lines(*backend(), std::span(&spec, 1), settings);
  }
  [[nodiscard]] std::vector<std::string> event_kinds(unsigned number) const {
    std::vector<std::string> kinds;
    for (const auto& event : kernel.events()) {
      if (event.number == number) {
        kinds.push_back(event.arg.empty() ? event.kind : event.kind + " " + event.arg);
      }
    }
    return kinds;
  }
  [[nodiscard]] bool logged(std::string_view text) const {
    for (const auto& line : log) {
      if (line.find(text) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  test_support::TempDir dir;
  fake_sysfs::FakeGpioKernel kernel;
  fake_sysfs::FakeSysfsMount mount;
  hal::BackendOptions options;
  std::vector<std::string> log;
};

// A Raspberry Pi 4 on kernel 6.6+: the header chip is based at 512.
inline fake_sysfs::KernelConfig pi_kernel() {
  fake_sysfs::KernelConfig config;
  config.chips = {{"pinctrl-bcm2711", 512, 58}, {"raspberrypi-exp-gpio", 570, 8}};
  return config;
}

inline std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const hal::Error& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace sysfs_test
