// SPDX-License-Identifier: MIT
#include "hal/sysfs_chips.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "hal/chardev.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/text.hpp"

namespace hal::sysfs {
namespace {

bool is_numbered(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// The number of a gpiochipN or chipN entry of `dir`. Throws hal::Error when it is not a
// number the kernel can give.
unsigned number_suffix(const fs::path& dir, const std::string& name, std::string_view prefix) {
  const auto number =
      parse_unsigned(std::string_view(name).substr(prefix.size()), kMaxKernelNumber);
  if (!number) {
    throw Error((dir / name).string(),
                fmt::format("is not a chip the kernel can name (numbers go from 0 to {})",
                            kMaxKernelNumber));
  }
  return *number;
}

std::vector<std::string> numbered_entries(const fs::path& dir, std::string_view prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (is_numbered(name, prefix)) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

// The device a sysfs class chip belongs to. Its `device` link points there; without
// it, the class device sits at <device>/gpio/gpiochipB.
fs::path parent_device(const fs::path& class_dir) {
  std::error_code ec;
  fs::path parent = fs::canonical(class_dir / "device", ec);
  if (!ec) {
    return parent;
  }
  parent = fs::canonical(class_dir, ec);
  return ec ? fs::path{} : parent.parent_path().parent_path();
}

// The character-device chips of one parent device, as gpiochipN numbers.
using ChipIds = std::vector<unsigned>;

// The digits at the start of `text`, removed from it.
std::string_view take_digits(std::string_view& text) {
  const auto end = std::min(text.find_first_not_of("0123456789"), text.size());
  const std::string_view digits = text.substr(0, end);
  text.remove_prefix(end);
  return digits;
}

// The debugfs summary of <sysfs_root>, when there is one.
std::map<unsigned, unsigned> bases_from_debugfs(const fs::path& sysfs_root) {
  const fs::path file = sysfs_root / "kernel" / "debug" / "gpio";
  const auto summary = read_text_file(file);
  return summary ? parse_debugfs_bases(*summary, file) : std::map<unsigned, unsigned>{};
}

// Several chips of one device (gpio-sim banks, multi-bank SoC drivers): tell them
// apart by what the character device says of each (label and line count), else by
// debugfs. Bases are no guide: 6.1 hands them out downwards, later kernels upwards.
void match_banks(const ChipIds& ids, const std::vector<SysfsChip*>& group,
                 const fs::path& sysfs_root, const fs::path& dev_root) {
  std::map<unsigned, unsigned> debugfs_bases;
  for (unsigned id : ids) {
    const std::string name = "gpiochip" + std::to_string(id);
    std::vector<SysfsChip*> matches;
    if (auto info = query_chardev_chip(dev_root / name)) {
      for (auto* chip : group) {
        if (chip->info.label == info->label && chip->info.ngpio == info->ngpio) {
          matches.push_back(chip);
        }
      }
    }
    if (matches.size() != 1) {
      if (debugfs_bases.empty()) {
        debugfs_bases = bases_from_debugfs(sysfs_root);
      }
      matches.clear();
      if (auto base = debugfs_bases.find(id); base != debugfs_bases.end()) {
        for (auto* chip : group) {
          if (*chip->info.base == base->second) {
            matches.push_back(chip);
          }
        }
      }
    }
    if (matches.size() == 1) {
      matches.front()->info.name = name;
    }
  }
}

// Name each sysfs chip after its character device: gpiochipN sits on the gpio bus as a
// child of the same parent device as the sysfs class chip. A chip that cannot be told
// for certain stays unnamed (its label and global numbers still work).
void match_character_device_names(const fs::path& sysfs_root, const fs::path& dev_root,
                                  std::vector<SysfsChip>& chips) {
  constexpr std::string_view prefix = "gpiochip";
  const fs::path bus = sysfs_root / "bus" / "gpio" / "devices";
  std::map<fs::path, ChipIds> ids_by_parent;
  for (const auto& name : numbered_entries(bus, prefix)) {
    std::error_code ec;
    const fs::path device = fs::canonical(bus / name, ec);
    if (!ec) {
      ids_by_parent[device.parent_path()].push_back(number_suffix(bus, name, prefix));
    }
  }
  std::map<fs::path, std::vector<SysfsChip*>> chips_by_parent;
  for (auto& chip : chips) {
    const fs::path parent = parent_device(chip.dir);
    if (!parent.empty()) {
      chips_by_parent[parent].push_back(&chip);
    }
  }
  for (auto& [parent, group] : chips_by_parent) {
    auto ids = ids_by_parent.find(parent);
    if (ids == ids_by_parent.end()) {
      continue;
    }
    if (ids->second.size() == 1 && group.size() == 1) {
      group.front()->info.name = "gpiochip" + std::to_string(ids->second.front());
    } else {
      match_banks(ids->second, group, sysfs_root, dev_root);
    }
  }
}

}  // namespace

std::map<unsigned, unsigned> parse_debugfs_bases(std::string_view text, const fs::path& file) {
  std::map<unsigned, unsigned> bases;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    const std::string_view whole_line = line;
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (!line.starts_with("gpiochip")) {
      continue;
    }
    line.remove_prefix(8);
    const std::string_view id_text = take_digits(line);
    if (id_text.empty() || !line.starts_with(": GPIOs ")) {
      continue;
    }
    line.remove_prefix(8);
    const std::string_view base_text = take_digits(line);
    if (base_text.empty() || !line.starts_with("-")) {
      continue;
    }
    const auto id = parse_unsigned(id_text, kMaxKernelNumber);
    const auto base = parse_unsigned(base_text, kMaxKernelNumber);
    if (!id || !base) {
      throw Error(file.string(), fmt::format("line '{}' holds a number out of range (0 to {})",
                                             printable(whole_line), kMaxKernelNumber));
    }
    bases[*id] = *base;
  }
  return bases;
}

std::vector<SysfsChip> discover_chips(const fs::path& sysfs_root, const fs::path& dev_root) {
  const fs::path class_dir = sysfs_root / "class" / "gpio";
  std::vector<SysfsChip> chips;
  for (const auto& name : numbered_entries(class_dir, "gpiochip")) {
    SysfsChip chip;
    chip.dir = class_dir / name;
    chip.sysfs_name = name;
    chip.info.base = read_unsigned_attribute(chip.dir / "base", kMaxKernelNumber);
    chip.info.ngpio = read_unsigned_attribute(chip.dir / "ngpio", kMaxChipLines);
    chip.info.label = read_attribute(chip.dir / "label");
    chips.push_back(std::move(chip));
  }
  std::sort(chips.begin(), chips.end(),
            [](const SysfsChip& a, const SysfsChip& b) { return *a.info.base < *b.info.base; });
  match_character_device_names(sysfs_root, dev_root, chips);
  return chips;
}

std::vector<SysfsChip> discover_per_chip_abi(const fs::path& sysfs_root) {
  const fs::path class_dir = sysfs_root / "class" / "gpio";
  const auto bases = bases_from_debugfs(sysfs_root);
  std::vector<SysfsChip> chips;
  for (const auto& name : numbered_entries(class_dir, "chip")) {
    SysfsChip chip;
    chip.dir = class_dir / name;
    chip.sysfs_name = name;
    const unsigned id = number_suffix(class_dir, name, "chip");
    chip.info.name = "gpiochip" + std::to_string(id);
    chip.info.ngpio = read_unsigned_attribute(chip.dir / "ngpio", kMaxChipLines);
    chip.info.label = read_attribute(chip.dir / "label");
    if (auto base = bases.find(id); base != bases.end()) {
      chip.info.base = base->second;
    }
    chips.push_back(std::move(chip));
  }
  std::sort(chips.begin(), chips.end(), [](const SysfsChip& a, const SysfsChip& b) {
    return a.info.name.size() != b.info.name.size() ? a.info.name.size() < b.info.name.size()
                                                    : a.info.name < b.info.name;
  });
  return chips;
}

std::vector<ChipInfo> chip_infos(const std::vector<SysfsChip>& chips) {
  std::vector<ChipInfo> infos;
  infos.reserve(chips.size());
  for (const auto& chip : chips) {
    infos.push_back(chip.info);
  }
  return infos;
}

std::map<std::string, unsigned> chardev_bases(const fs::path& sysfs_root,
                                              const fs::path& dev_root) {
  std::map<std::string, unsigned> bases;
  std::error_code ec;
  if (fs::is_directory(sysfs_root / "class" / "gpio", ec)) {
    try {
      for (const auto& chip : discover_chips(sysfs_root, dev_root)) {
        if (!chip.info.name.empty()) {
          bases.emplace(chip.info.name, *chip.info.base);
        }
      }
    } catch (const Error&) {
      // A malformed sysfs chip costs global numbers only; debugfs may still tell.
    }
  }
  for (const auto& [id, base] : bases_from_debugfs(sysfs_root)) {
    bases.emplace("gpiochip" + std::to_string(id), base);
  }
  return bases;
}

}  // namespace hal::sysfs
