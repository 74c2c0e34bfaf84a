// SPDX-License-Identifier: MIT
// How fast one line toggles through the HAL (the gpiod backend's bank, as the daemon
// drives it) against a raw GPIO_V2_LINE_SET_VALUES_IOCTL loop on the same line: the
// HAL's cost per edge, measured in the QEMU guests by bench/kernel-bench.
//   hal-toggle raw /dev/gpiochipN OFFSET TOGGLES
//   hal-toggle hal gpiochipN:OFFSET TOGGLES
// Prints "MODE toggles=N seconds=S rate=R/s".
#include <fcntl.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "hal/hal.hpp"
#include "hal/registry.hpp"

namespace {

using Clock = std::chrono::steady_clock;

void report(std::string_view mode, unsigned long toggles, Clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::printf("%.*s toggles=%lu seconds=%.6f rate=%.0f/s\n", static_cast<int>(mode.size()),
              mode.data(), toggles, seconds, static_cast<double>(toggles) / seconds);
}

int raw(const char* device, unsigned offset, unsigned long toggles) {
  const int chip = ::open(device, O_RDWR | O_CLOEXEC);
  if (chip < 0) {
    (void)std::fprintf(stderr, "hal-toggle: %s: %s\n", device, std::strerror(errno));
    return 1;
  }
  gpio_v2_line_request request{};
  request.offsets[0] = offset;
  request.num_lines = 1;
  request.config.flags = GPIO_V2_LINE_FLAG_OUTPUT;
  std::strncpy(request.consumer, "hal-toggle", sizeof request.consumer - 1);
  if (::ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &request) != 0) {
    (void)std::fprintf(stderr, "hal-toggle: %s line %u: %s\n", device, offset,
                       std::strerror(errno));
    return 1;
  }
  ::close(chip);
  gpio_v2_line_values values{};
  values.mask = 1;
  const auto start = Clock::now();
  for (unsigned long i = 0; i < toggles; ++i) {
    values.bits = (i + 1) & 1U;
    if (::ioctl(request.fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) != 0) {
      (void)std::fprintf(stderr, "hal-toggle: set: %s\n", std::strerror(errno));
      return 1;
    }
  }
  report("raw", toggles, Clock::now() - start);
  ::close(request.fd);
  return 0;
}

int through_hal(const char* spec, unsigned long toggles) {
  const hal::BackendOptions options;
  const auto backend = hal::make_backend("gpiod", options);
  const std::vector<hal::LineSpec> specs{hal::parse_line_spec(spec)};
  hal::Lines lines = hal::open_lines(*backend, specs, hal::LineSettings{});
  const auto start = Clock::now();
  for (unsigned long i = 0; i < toggles; ++i) {
    lines.set(0, ((i + 1) & 1U) != 0);
  }
  report("hal", toggles, Clock::now() - start);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  try {
    if (args.size() == 4 && args[0] == "raw") {
      return raw(argv[2], static_cast<unsigned>(std::stoul(argv[3])), std::stoul(argv[4]));
    }
    if (args.size() == 3 && args[0] == "hal") {
      return through_hal(argv[2], std::stoul(argv[3]));
    }
  } catch (const std::exception& error) {
    (void)std::fprintf(stderr, "hal-toggle: %s\n", error.what());
    return 1;
  }
  (void)std::fprintf(stderr,
                     "usage: hal-toggle raw /dev/gpiochipN OFFSET TOGGLES | hal gpiochipN:OFFSET "
                     "TOGGLES\n");
  return 2;
}
