// libgpiod 2.x (Debian 13, Raspberry Pi OS trixie): the GPIO uAPI v2.
#include <gpiod.h>

#include <cerrno>

#include <fmt/format.h>

#include "hal/gpiod/gpiod_library.hpp"
#include "hal/text.hpp"

namespace hal::gpiod {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};
using ChipPtr = std::unique_ptr<gpiod_chip, Deleter<gpiod_chip, gpiod_chip_close>>;
using ChipInfoPtr =
    std::unique_ptr<gpiod_chip_info, Deleter<gpiod_chip_info, gpiod_chip_info_free>>;
using LineInfoPtr =
    std::unique_ptr<gpiod_line_info, Deleter<gpiod_line_info, gpiod_line_info_free>>;
using SettingsPtr =
    std::unique_ptr<gpiod_line_settings, Deleter<gpiod_line_settings, gpiod_line_settings_free>>;
using LineConfigPtr =
    std::unique_ptr<gpiod_line_config, Deleter<gpiod_line_config, gpiod_line_config_free>>;
using RequestConfigPtr =
    std::unique_ptr<gpiod_request_config, Deleter<gpiod_request_config, gpiod_request_config_free>>;
using LineRequestPtr =
    std::unique_ptr<gpiod_line_request, Deleter<gpiod_line_request, gpiod_line_request_release>>;

std::string text_or_empty(const char* text) {
  return text == nullptr ? std::string() : text;
}

gpiod_line_drive drive_of(Drive drive) {
  switch (drive) {
    case Drive::OpenDrain:
      return GPIOD_LINE_DRIVE_OPEN_DRAIN;
    case Drive::OpenSource:
      return GPIOD_LINE_DRIVE_OPEN_SOURCE;
    case Drive::PushPull:
      break;
  }
  return GPIOD_LINE_DRIVE_PUSH_PULL;
}

gpiod_line_bias bias_of(Bias bias) {
  switch (bias) {
    case Bias::Disabled:
      return GPIOD_LINE_BIAS_DISABLED;
    case Bias::PullUp:
      return GPIOD_LINE_BIAS_PULL_UP;
    case Bias::PullDown:
      return GPIOD_LINE_BIAS_PULL_DOWN;
    case Bias::AsIs:
      break;
  }
  return GPIOD_LINE_BIAS_AS_IS;
}

class RequestV2 final : public Request {
 public:
  RequestV2(LineRequestPtr request, unsigned offset)
      : request_(std::move(request)), offset_(offset) {}
  [[nodiscard]] int set(bool on) noexcept override {
    return gpiod_line_request_set_value(request_.get(), offset_,
                                        on ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) ==
                   0
               ? 0
               : errno;
  }

 private:
  LineRequestPtr request_;
  unsigned offset_;
};

}  // namespace

std::string library_version() {
  return gpiod_api_version();
}

ChipInfo read_chip(const std::filesystem::path& device) {
  ChipPtr chip(gpiod_chip_open(device.c_str()));
  if (!chip) {
    throw Error(device.string(), "cannot be opened", errno);
  }
  ChipInfoPtr chip_info(gpiod_chip_get_info(chip.get()));
  if (!chip_info) {
    throw Error(device.string(), "chip information cannot be read", errno);
  }
  ChipInfo info;
  info.name = text_or_empty(gpiod_chip_info_get_name(chip_info.get()));
  info.label = text_or_empty(gpiod_chip_info_get_label(chip_info.get()));
  info.ngpio = static_cast<unsigned>(gpiod_chip_info_get_num_lines(chip_info.get()));
  if (info.ngpio > kMaxChipLines) {
    throw Error(device.string(), fmt::format("reports {} lines; a GPIO chip has at most {}",
                                             info.ngpio, kMaxChipLines));
  }
  for (unsigned offset = 0; offset < info.ngpio; ++offset) {
    LineInfoPtr line(gpiod_chip_get_line_info(chip.get(), offset));
    if (!line) {
      throw Error(device.string(), "line information cannot be read", errno);
    }
    info.lines.push_back(
        LineInfo{offset, text_or_empty(gpiod_line_info_get_name(line.get())),
                 text_or_empty(gpiod_line_info_get_consumer(line.get())),
                 gpiod_line_info_is_used(line.get()),
                 gpiod_line_info_get_direction(line.get()) == GPIOD_LINE_DIRECTION_OUTPUT,
                 gpiod_line_info_is_active_low(line.get())});
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
  SettingsPtr line_settings(gpiod_line_settings_new());
  LineConfigPtr line_config(gpiod_line_config_new());
  RequestConfigPtr request_config(gpiod_request_config_new());
  if (!line_settings || !line_config || !request_config) {
    failure = {ENOMEM, "request"};
    return nullptr;
  }
  gpiod_line_settings_set_direction(line_settings.get(), GPIOD_LINE_DIRECTION_OUTPUT);
  gpiod_line_settings_set_active_low(line_settings.get(), settings.active_low);
  gpiod_line_settings_set_drive(line_settings.get(), drive_of(settings.drive));
  gpiod_line_settings_set_bias(line_settings.get(), bias_of(settings.bias));
  gpiod_line_settings_set_output_value(
      line_settings.get(), initial_on ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
  if (gpiod_line_config_add_line_settings(line_config.get(), &offset, 1, line_settings.get()) !=
      0) {
    failure = {errno, "configure"};
    return nullptr;
  }
  gpiod_request_config_set_consumer(request_config.get(), consumer.c_str());
  LineRequestPtr request(
      gpiod_chip_request_lines(chip.get(), request_config.get(), line_config.get()));
  if (!request) {
    failure = {errno, "request"};
    return nullptr;
  }
  // The request holds its own file descriptor: the chip may be closed now.
  return std::make_unique<RequestV2>(std::move(request), offset);
}

}  // namespace hal::gpiod
