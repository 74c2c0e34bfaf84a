// SPDX-License-Identifier: MIT
// The GPIO chips as the legacy sysfs interface shows them (/sys/class/gpio/gpiochipB,
// named by their base), matched to their character-device names (gpiochipN) so one
// CHIP:OFFSET means the same line whichever backend drives it.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "hal/hal.hpp"

namespace hal::sysfs {

struct SysfsChip {
  ChipInfo info;              // name: gpiochipN when it could be matched, else empty
  std::filesystem::path dir;  // <root>/class/gpio/gpiochipB
  std::string sysfs_name;     // gpiochipB
};

// Every chip under <sysfs_root>/class/gpio, sorted by base, named after its character
// device where that can be told for certain. Throws hal::Error naming the attribute
// when one is unreadable or malformed.
[[nodiscard]] std::vector<SysfsChip> discover_chips(const std::filesystem::path& sysfs_root,
                                                    const std::filesystem::path& dev_root);

// Every chip of the per-chip ABI of Linux 6.17 (<sysfs_root>/class/gpio/chipX, X the
// character device's number), sorted by X; bases only where debugfs shows them.
[[nodiscard]] std::vector<SysfsChip> discover_per_chip_abi(const std::filesystem::path& sysfs_root);

// gpiochipN -> base from the text of the kernel's debugfs summary (<sysfs_root>/kernel/
// debug/gpio: "gpiochip1: GPIOs 1012-1015, ..."). Lines of another shape are not chip
// headers and are skipped; a number out of the kernel's range throws hal::Error naming
// `file` and the line. Pure, so that it can be fuzzed without a file.
[[nodiscard]] std::map<unsigned, unsigned> parse_debugfs_bases(std::string_view text,
                                                               const std::filesystem::path& file);

[[nodiscard]] std::vector<ChipInfo> chip_infos(const std::vector<SysfsChip>& chips);

// The first global number of each character-device chip, by its gpiochipN name: from
// the sysfs class when the kernel has it, else from debugfs. Chips whose base cannot be
// told are left out (their lines then have no global number).
[[nodiscard]] std::map<std::string, unsigned> chardev_bases(const std::filesystem::path& sysfs_root,
                                                            const std::filesystem::path& dev_root);

}  // namespace hal::sysfs
