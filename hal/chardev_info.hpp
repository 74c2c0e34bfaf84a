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

}  // namespace hal
