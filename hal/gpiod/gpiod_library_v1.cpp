// libgpiod 1.6 (Debian 12, Raspberry Pi OS bookworm): the GPIO uAPI v1.
#include <gpiod.h>

#include <cerrno>

#include <fmt/format.h>

#include "hal/chardev_info.hpp"
#include "hal/gpiod/gpiod_library.hpp"
#include "hal/text.hpp"

namespace hal::gpiod {
namespace {

struct ChipCloser {
  void operator()(gpiod_chip* chip) const { gpiod_chip_close(chip); }
};
using ChipPtr = std::unique_ptr<gpiod_chip, ChipCloser>;

std::string text_or_empty(const char* text) {
  return text == nullptr ? std::string() : text;
}

int request_flags(const LineSettings& settings) {
  int flags = 0;
  if (settings.active_low) {
    flags |= GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW;
  }
  switch (settings.drive) {
    case Drive::OpenDrain:
      flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_DRAIN;
      break;
    case Drive::OpenSource:
      flags |= GPIOD_LINE_REQUEST_FLAG_OPEN_SOURCE;
      break;
    case Drive::PushPull:
      break;
  }
  switch (settings.bias) {
    case Bias::Disabled:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
      break;
    case Bias::PullUp:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
      break;
    case Bias::PullDown:
      flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
      break;
    case Bias::AsIs:
      break;
  }
  return flags;
}

// Closing the chip releases its requested line.
class RequestV1 final : public Request {
 public:
  RequestV1(ChipPtr chip, gpiod_line* line) : chip_(std::move(chip)), line_(line) {}
  [[nodiscard]] int set(bool on) noexcept override {
    return gpiod_line_set_value(line_, on ? 1 : 0) == 0 ? 0 : errno;
  }

 private:
  ChipPtr chip_;
  gpiod_line* line_;
};

}  // namespace

std::string library_version() {
  return gpiod_version_string();
}

ChipInfo read_chip(const std::filesystem::path& device) {
  ChipPtr chip(gpiod_chip_open(device.c_str()));
  if (!chip) {
    throw Error(device.string(), "cannot be opened", errno);
  }
  ChipInfo info;
  info.name = text_or_empty(gpiod_chip_name(chip.get()));
  info.label = text_or_empty(gpiod_chip_label(chip.get()));
  info.ngpio = gpiod_chip_num_lines(chip.get());
  if (info.ngpio > kMaxChipLines) {
    throw Error(device.string(), fmt::format("reports {} lines; a GPIO chip has at most {}",
                                             info.ngpio, kMaxChipLines));
  }
  for (unsigned offset = 0; offset < info.ngpio; ++offset) {
    gpiod_line* line = gpiod_chip_get_line(chip.get(), offset);
    if (line == nullptr) {
      const int err = errno;
      throw Error(device.string(), "line information cannot be read", err,
                  (err == EINVAL || err == ENOTTY) && !chardev_has_uapi_v1(device)
                      ? std::string(kNoUapiV1Hint)
                      : std::string());
    }
    info.lines.push_back(LineInfo{
        offset, text_or_empty(gpiod_line_name(line)), text_or_empty(gpiod_line_consumer(line)),
        gpiod_line_is_used(line), gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT,
        gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW});
  }
  return info;
}

std::unique_ptr<Request> request_output(const std::filesystem::path& device, unsigned offset,
                                        const LineSettings& settings, bool initial_on,
                                        const std::string& consumer, RequestFailure& failure) {
  ChipPtr chip(gpiod_chip_open(device.c_str()));
  if (!chip) {
    failure = {errno, "open"};
    return nullptr;
  }
  gpiod_line* line = gpiod_chip_get_line(chip.get(), offset);
  if (line == nullptr) {
    failure = {errno, "get line"};
    return nullptr;
  }
  if (gpiod_line_request_output_flags(line, consumer.c_str(), request_flags(settings),
                                      initial_on ? 1 : 0) != 0) {
    failure = {errno, "request"};
    return nullptr;
  }
  return std::make_unique<RequestV1>(std::move(chip), line);
}

}  // namespace hal::gpiod
