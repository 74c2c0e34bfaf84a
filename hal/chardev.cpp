// SPDX-License-Identifier: MIT
#include "hal/chardev.hpp"

#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "hal/posix_file.hpp"
#include "hal/sysfs_chips.hpp"
#include "hal/text.hpp"

namespace hal {
namespace {

std::string fixed_string(const char* text, std::size_t size) {
  return {text, strnlen(text, size)};
}

// The chip's device, opened without ever blocking, or an invalid fd when it is missing,
// inaccessible or not a character device (a FIFO where /dev has a chip is not one).
UniqueFd open_chip(const std::filesystem::path& chip_device) {
  UniqueFd fd(::open(chip_device.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISCHR(info.st_mode)) {
    return {};
  }
  return fd;
}

unsigned chip_number(std::string_view name) {
  return parse_unsigned(name.substr(std::string_view("gpiochip").size()), kMaxKernelNumber)
      .value_or(kMaxKernelNumber);
}

LineInfo line_info_v2(const gpio_v2_line_info& v2, unsigned offset) {
  LineInfo info;
  info.offset = offset;
  info.name = fixed_string(v2.name, sizeof v2.name);
  info.consumer = fixed_string(v2.consumer, sizeof v2.consumer);
  info.used = (v2.flags & GPIO_V2_LINE_FLAG_USED) != 0;
  info.output = (v2.flags & GPIO_V2_LINE_FLAG_OUTPUT) != 0;
  info.active_low = (v2.flags & GPIO_V2_LINE_FLAG_ACTIVE_LOW) != 0;
  return info;
}

LineInfo line_info_v1(const gpioline_info& v1, unsigned offset) {
  LineInfo info;
  info.offset = offset;
  info.name = fixed_string(v1.name, sizeof v1.name);
  info.consumer = fixed_string(v1.consumer, sizeof v1.consumer);
  info.used = (v1.flags & GPIOLINE_FLAG_KERNEL) != 0;
  info.output = (v1.flags & GPIOLINE_FLAG_IS_OUT) != 0;
  info.active_low = (v1.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0;
  return info;
}

// One line through an open chip: uAPI v2, else v1 (kernels before 5.10).
std::optional<LineInfo> ask_line(int fd, unsigned offset) {
  gpio_v2_line_info v2{};
  v2.offset = offset;
  if (::ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &v2) == 0) {
    return line_info_v2(v2, offset);
  }
  gpioline_info v1{};
  v1.line_offset = offset;
  if (::ioctl(fd, GPIO_GET_LINEINFO_IOCTL, &v1) == 0) {
    return line_info_v1(v1, offset);
  }
  return std::nullopt;
}

}  // namespace

bool is_chip_device_name(std::string_view name) {
  constexpr std::string_view prefix = "gpiochip";
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         name.find_first_not_of("0123456789", prefix.size()) == std::string_view::npos;
}

ChipInfo read_chardev_chip(const std::filesystem::path& chip_device) {
  struct stat node {};
  if (::stat(chip_device.c_str(), &node) != 0) {
    const int err = errno;
    throw Error(chip_device.string(), "cannot be opened", err);
  }
  if (!S_ISCHR(node.st_mode)) {
    throw Error(chip_device.string(), "is not a character device", 0,
                "a GPIO chip device is a character device (major 254 on most systems)");
  }
  UniqueFd fd(::open(chip_device.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    const int err = errno;
    throw Error(chip_device.string(), "cannot be opened", err);
  }
  gpiochip_info chip_info{};
  if (::ioctl(fd.get(), GPIO_GET_CHIPINFO_IOCTL, &chip_info) != 0) {
    const int err = errno;
    throw Error(chip_device.string(), "chip information cannot be read", err);
  }
  if (chip_info.lines > kMaxChipLines) {
    throw Error(chip_device.string(), fmt::format("reports {} lines; a GPIO chip has at most {}",
                                                  chip_info.lines, kMaxChipLines));
  }
  ChipInfo chip;
  chip.name = fixed_string(chip_info.name, sizeof chip_info.name);
  chip.label = fixed_string(chip_info.label, sizeof chip_info.label);
  chip.ngpio = chip_info.lines;
  chip.lines.reserve(chip.ngpio);
  for (unsigned offset = 0; offset < chip.ngpio; ++offset) {
    auto line = ask_line(fd.get(), offset);
    if (!line) {
      const int err = errno;
      throw Error(chip_device.string(), fmt::format("line {} cannot be described", offset), err);
    }
    chip.lines.push_back(std::move(*line));
  }
  return chip;
}

ChipScan scan_chardev_chips(const BackendOptions& options) {
  ChipScan result;
  std::error_code ec;
  std::vector<std::filesystem::path> nodes;
  for (std::filesystem::directory_iterator it(options.dev_root(), ec), end; !ec && it != end;
       it.increment(ec)) {
    if (is_chip_device_name(it->path().filename().string())) {
      nodes.push_back(it->path());
    }
  }
  std::sort(nodes.begin(), nodes.end(), [](const auto& a, const auto& b) {
    return chip_number(a.filename().string()) < chip_number(b.filename().string());
  });
  const auto bases = sysfs::chardev_bases(options.sysfs_root(), options.dev_root());
  for (const auto& node : nodes) {
    options.wait(std::chrono::nanoseconds::zero());  // a stop request ends the scan
    try {
      ChipInfo chip = read_chardev_chip(node);
      if (result.devices.contains(chip.name)) {
        continue;
      }
      if (auto base = bases.find(chip.name); base != bases.end()) {
        chip.base = base->second;
      }
      result.devices.emplace(chip.name, node);
      result.chips.push_back(std::move(chip));
    } catch (const Error& error) {
      result.failures.emplace_back(error.what());
      result.permission_denied |= error.errnum() == EACCES || error.errnum() == EPERM;
    }
  }
  return result;
}

std::optional<LineInfo> query_chardev_line(const std::filesystem::path& chip_device,
                                           unsigned offset) {
  UniqueFd fd = open_chip(chip_device);
  if (!fd.valid()) {
    return std::nullopt;
  }
  return ask_line(fd.get(), offset);
}

bool chardev_has_uapi_v1(const std::filesystem::path& chip_device) {
  UniqueFd fd = open_chip(chip_device);
  if (!fd.valid()) {
    return true;
  }
  gpioline_info v1{};
  if (::ioctl(fd.get(), GPIO_GET_LINEINFO_IOCTL, &v1) == 0 ||
      (errno != EINVAL && errno != ENOTTY)) {
    return true;
  }
  gpio_v2_line_info v2{};
  return ::ioctl(fd.get(), GPIO_V2_GET_LINEINFO_IOCTL, &v2) != 0;
}

std::optional<ChipInfo> query_chardev_chip(const std::filesystem::path& chip_device) {
  UniqueFd fd = open_chip(chip_device);
  if (!fd.valid()) {
    return std::nullopt;
  }
  gpiochip_info info{};
  if (::ioctl(fd.get(), GPIO_GET_CHIPINFO_IOCTL, &info) != 0) {
    return std::nullopt;
  }
  ChipInfo chip;
  chip.name = fixed_string(info.name, sizeof info.name);
  chip.label = fixed_string(info.label, sizeof info.label);
  if (info.lines > kMaxChipLines) {
    return std::nullopt;  // no chip has that many: not a GPIO chip answering
  }
  chip.ngpio = info.lines;
  return chip;
}

}  // namespace hal
