// SPDX-License-Identifier: MIT
// --list: the chips and lines a backend sees, in the spirit of gpioinfo, plus the
// global number the sysfs interface would use for each line.
#pragma once

#include <string>
#include <vector>

#include "hal/hal.hpp"

namespace blinkd {

[[nodiscard]] std::string format_chip_listing(const std::vector<hal::ChipInfo>& chips);

}  // namespace blinkd
