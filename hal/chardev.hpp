// SPDX-License-Identifier: MIT
// The GPIO character devices (/dev/gpiochipN) as the kernel describes them, through its
// ioctls: the one place where every backend learns chip names, labels, lines and their
// users. The gpiod backend requests lines through libgpiod; everything it and the sysfs
// backend need to know about chips comes from here.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hal/hal.hpp"

namespace hal {

// The kernel's view of one line (name, consumer, in use, direction), or nullopt when
// the character device is missing, inaccessible or does not answer.
[[nodiscard]] std::optional<LineInfo> query_chardev_line(const std::filesystem::path& chip_device,
                                                         unsigned offset);

// The kernel's view of a chip (name gpiochipN, label, number of lines; no lines or base),
// or nullopt when the character device is missing, inaccessible or does not answer.
[[nodiscard]] std::optional<ChipInfo> query_chardev_chip(const std::filesystem::path& chip_device);

// The chip with every line (uAPI v2, else v1). Throws hal::Error naming the device
// when it cannot be opened or read, is not a character device, or reports more lines
// than a chip can have.
[[nodiscard]] ChipInfo read_chardev_chip(const std::filesystem::path& chip_device);

// False when the chip answers the uAPI v2 but refuses the v1 ioctls, as a kernel built
// without CONFIG_GPIO_CDEV_V1 does (libgpiod 1.6 cannot work there). True otherwise,
// including when the device cannot be asked at all.
[[nodiscard]] bool chardev_has_uapi_v1(const std::filesystem::path& chip_device);

// Every chip under a /dev directory, read once each (the Pi 5 keeps /dev/gpiochip4 as
// a link to gpiochip0), with its base where sysfs or debugfs tells it.
struct ChipScan {
  std::vector<ChipInfo> chips;                           // by gpiochipN number
  std::map<std::string, std::filesystem::path> devices;  // gpiochipN -> the node to open
  std::vector<std::string> failures;                     // devices that could not be read, and why
  bool permission_denied = false;                        // one of them for lack of permission
};

// Scans options.dev_root(); a stop request (options.pause) ends it with Interrupted.
[[nodiscard]] ChipScan scan_chardev_chips(const BackendOptions& options);

// "gpiochip12" -> true; "gpiochip", "gpiochipA" -> false.
[[nodiscard]] bool is_chip_device_name(std::string_view name);

}  // namespace hal
