#include "hal/chardev_info.hpp"

#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "hal/posix_file.hpp"
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

}  // namespace

std::optional<LineInfo> query_chardev_line(const std::filesystem::path& chip_device,
                                           unsigned offset) {
  UniqueFd fd = open_chip(chip_device);
  if (!fd.valid()) {
    return std::nullopt;
  }
  LineInfo info;
  info.offset = offset;

  gpio_v2_line_info v2{};
  v2.offset = offset;
  if (::ioctl(fd.get(), GPIO_V2_GET_LINEINFO_IOCTL, &v2) == 0) {
    info.name = fixed_string(v2.name, sizeof v2.name);
    info.consumer = fixed_string(v2.consumer, sizeof v2.consumer);
    info.used = (v2.flags & GPIO_V2_LINE_FLAG_USED) != 0;
    info.output = (v2.flags & GPIO_V2_LINE_FLAG_OUTPUT) != 0;
    info.active_low = (v2.flags & GPIO_V2_LINE_FLAG_ACTIVE_LOW) != 0;
    return info;
  }

  // Kernels before 5.10 only have the v1 uAPI.
  gpioline_info v1{};
  v1.line_offset = offset;
  if (::ioctl(fd.get(), GPIO_GET_LINEINFO_IOCTL, &v1) == 0) {
    info.name = fixed_string(v1.name, sizeof v1.name);
    info.consumer = fixed_string(v1.consumer, sizeof v1.consumer);
    info.used = (v1.flags & GPIOLINE_FLAG_KERNEL) != 0;
    info.output = (v1.flags & GPIOLINE_FLAG_IS_OUT) != 0;
    info.active_low = (v1.flags & GPIOLINE_FLAG_ACTIVE_LOW) != 0;
    return info;
  }
  return std::nullopt;
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
