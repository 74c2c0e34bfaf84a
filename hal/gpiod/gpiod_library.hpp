// SPDX-License-Identifier: MIT
// What the gpiod backend needs from libgpiod, whichever major version it is:
// gpiod_library_v1.cpp (libgpiod 1.6, GPIO uAPI v1) or gpiod_library_v2.cpp (libgpiod
// 2.x, uAPI v2) implements it. No libgpiod type leaves these files. Chips are described
// by hal/chardev.hpp; libgpiod is used to request and drive lines only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "hal/hal.hpp"

namespace hal::gpiod {

// libgpiod 1.6 speaks the GPIO uAPI v1 only, which kernels may leave out.
inline constexpr std::string_view kNoUapiV1Hint =
    "this kernel has no GPIO character device uAPI v1 (CONFIG_GPIO_CDEV_V1), which libgpiod "
    "1.6 needs: use a gpio-blinkd built with libgpiod 2, or --backend sysfs";

// "1.6.3", "2.2.1": the library this binary was built with.
[[nodiscard]] std::string library_version();

// One line of a chip request.
struct RequestedLine {
  unsigned offset = 0;
  LineSettings settings;  // active-low, drive and bias are request flags: the kernel inverts
  bool park = false;      // whether release() will park it (v1 groups lines by it)
};

// What becomes of a line when its request is parked.
enum class ParkAs : std::uint8_t { Output, PullDown, PullUp };

// Lines of one chip requested as outputs, at their logical off level from the start.
// uAPI v2: one request, every line with its own settings, a set of any subset in one
// ioctl. uAPI v1: one request per setting group (its flags apply to all its lines), a
// set of all its lines in one ioctl. Destroying it releases the lines.
class ChipRequest {
 public:
  ChipRequest() = default;
  ChipRequest(const ChipRequest&) = delete;
  ChipRequest& operator=(const ChipRequest&) = delete;
  ChipRequest(ChipRequest&&) = delete;
  ChipRequest& operator=(ChipRequest&&) = delete;
  virtual ~ChipRequest() = default;

  // Logical levels (0 off, 1 on) of some lines, by their position in the request.
  // Returns 0 or the errno.
  [[nodiscard]] virtual int set(std::span<const std::size_t> positions,
                                std::span<const std::uint8_t> values) noexcept = 0;
  // Reconfigures every line as `how[position]` says (Output: stays an output at its
  // current level). Returns 0 or the errno.
  [[nodiscard]] virtual int park(std::span<const ParkAs> how) noexcept = 0;
  // How many system calls a set() of every line makes (1 on v2; the groups on v1).
  [[nodiscard]] virtual std::size_t groups() const noexcept = 0;
};

struct RequestFailure {
  int errnum = 0;
  std::string step;  // what failed: "open", "configure", "request"
};

// Requests `lines` of `device` with consumer `consumer`. On failure returns nullptr and
// fills `failure`.
[[nodiscard]] std::unique_ptr<ChipRequest> request_lines(const std::filesystem::path& device,
                                                         std::span<const RequestedLine> lines,
                                                         const std::string& consumer,
                                                         RequestFailure& failure);

}  // namespace hal::gpiod
