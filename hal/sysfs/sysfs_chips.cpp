#include "hal/sysfs/sysfs_chips.hpp"

#include <algorithm>
#include <map>
#include <system_error>

#include "hal/sysfs/sysfs_files.hpp"

namespace hal::sysfs {
namespace {

bool is_numbered(const std::string& name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

unsigned number_suffix(const std::string& name, std::string_view prefix) {
  return static_cast<unsigned>(std::stoul(name.substr(prefix.size())));
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

// Name each sysfs chip after its character device: gpiochipN lives on the gpio bus
// as a child of the same parent device. Several chips of one device (banks) are
// paired in order, since the kernel hands out ids and dynamic bases in the same
// registration order.
void match_character_device_names(const fs::path& sysfs_root, std::vector<SysfsChip>& chips) {
  constexpr std::string_view prefix = "gpiochip";
  const fs::path bus = sysfs_root / "bus" / "gpio" / "devices";
  std::map<fs::path, std::vector<unsigned>> ids_by_parent;
  for (const auto& name : numbered_entries(bus, prefix)) {
    std::error_code ec;
    fs::path device = fs::canonical(bus / name, ec);
    if (!ec) {
      ids_by_parent[device.parent_path()].push_back(number_suffix(name, prefix));
    }
  }
  std::map<fs::path, std::vector<SysfsChip*>> chips_by_parent;
  for (auto& chip : chips) {
    fs::path parent = parent_device(chip.dir);
    if (!parent.empty()) {
      chips_by_parent[parent].push_back(&chip);
    }
  }
  for (auto& [parent, group] : chips_by_parent) {
    auto ids = ids_by_parent.find(parent);
    if (ids == ids_by_parent.end() || ids->second.size() != group.size()) {
      continue;
    }
    std::sort(ids->second.begin(), ids->second.end());
    std::sort(group.begin(), group.end(),
              [](const SysfsChip* a, const SysfsChip* b) { return *a->info.base < *b->info.base; });
    for (std::size_t i = 0; i < group.size(); ++i) {
      group[i]->info.name = "gpiochip" + std::to_string(ids->second[i]);
    }
  }
}

}  // namespace

std::vector<SysfsChip> discover_chips(const fs::path& sysfs_root) {
  const fs::path class_dir = sysfs_root / "class" / "gpio";
  std::vector<SysfsChip> chips;
  for (const auto& name : numbered_entries(class_dir, "gpiochip")) {
    SysfsChip chip;
    chip.dir = class_dir / name;
    chip.sysfs_name = name;
    chip.info.base = read_unsigned_attribute(chip.dir / "base");
    chip.info.ngpio = read_unsigned_attribute(chip.dir / "ngpio");
    chip.info.label = read_attribute(chip.dir / "label");
    chips.push_back(std::move(chip));
  }
  std::sort(chips.begin(), chips.end(),
            [](const SysfsChip& a, const SysfsChip& b) { return *a.info.base < *b.info.base; });
  match_character_device_names(sysfs_root, chips);
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

}  // namespace hal::sysfs
