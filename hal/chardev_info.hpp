// Read-only questions to the GPIO character device, used to explain failures (who
// holds a busy line) by backends that do not drive lines through it.
#pragma once

#include <filesystem>
#include <optional>

#include "hal/hal.hpp"

namespace hal {

// The kernel's view of one line (name, consumer, in use, direction), or nullopt when
// the character device is missing, inaccessible or does not answer.
[[nodiscard]] std::optional<LineInfo> query_chardev_line(const std::filesystem::path& chip_device,
                                                         unsigned offset);

// The kernel's view of a chip (name gpiochipN, label, number of lines; no lines or base),
// or nullopt when the character device is missing, inaccessible or does not answer.
[[nodiscard]] std::optional<ChipInfo> query_chardev_chip(const std::filesystem::path& chip_device);

// False when the chip answers the uAPI v2 but refuses the v1 ioctls, as a kernel built
// without CONFIG_GPIO_CDEV_V1 does (libgpiod 1.6 cannot work there). True otherwise,
// including when the device cannot be asked at all.
[[nodiscard]] bool chardev_has_uapi_v1(const std::filesystem::path& chip_device);

}  // namespace hal
