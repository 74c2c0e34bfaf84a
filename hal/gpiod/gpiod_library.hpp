// What the gpiod backend needs from libgpiod, whichever major version it is:
// gpiod_library_v1.cpp (libgpiod 1.6, GPIO uAPI v1) or gpiod_library_v2.cpp (libgpiod
// 2.x, uAPI v2) implements it. No libgpiod type leaves these files.
#pragma once

#include <filesystem>
#include <memory>
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

// The chip's name (gpiochipN), label and every line (name, consumer, in use,
// direction, active-low); no base. Throws hal::Error naming the device.
[[nodiscard]] ChipInfo read_chip(const std::filesystem::path& device);

// A line requested as an output; destroying it releases the line.
class Request {
 public:
  Request() = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;
  Request(Request&&) = delete;
  Request& operator=(Request&&) = delete;
  virtual ~Request() = default;

  // The logical level (active-low is the kernel's business: it is a request flag).
  // Returns 0 or the errno.
  [[nodiscard]] virtual int set(bool on) noexcept = 0;
};

struct RequestFailure {
  int errnum = 0;
  std::string step;  // what failed: "open", "get line", "request"
};

// Request `offset` of `device` as an output at the logical level `initial_on`, with
// consumer `consumer`. On failure returns nullptr and fills `failure`.
[[nodiscard]] std::unique_ptr<Request> request_output(const std::filesystem::path& device,
                                                      unsigned offset, const LineSettings& settings,
                                                      bool initial_on, const std::string& consumer,
                                                      RequestFailure& failure);

}  // namespace hal::gpiod
