// SPDX-License-Identifier: MIT
// libgpiod 2.x (Debian 13, Raspberry Pi OS trixie): the GPIO uAPI v2. One request per
// chip whatever the lines' settings; a subset of its lines is set with one ioctl.
#include <gpiod.h>

#include <cerrno>
#include <vector>

#include "hal/gpiod/gpiod_library.hpp"

namespace hal::gpiod {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};
using ChipPtr = std::unique_ptr<gpiod_chip, Deleter<gpiod_chip, gpiod_chip_close>>;
using SettingsPtr =
    std::unique_ptr<gpiod_line_settings, Deleter<gpiod_line_settings, gpiod_line_settings_free>>;
using LineConfigPtr =
    std::unique_ptr<gpiod_line_config, Deleter<gpiod_line_config, gpiod_line_config_free>>;
using RequestConfigPtr =
    std::unique_ptr<gpiod_request_config, Deleter<gpiod_request_config, gpiod_request_config_free>>;
using LineRequestPtr =
    std::unique_ptr<gpiod_line_request, Deleter<gpiod_line_request, gpiod_line_request_release>>;

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

gpiod_line_value value_of(bool on) {
  return on ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
}

// The settings of one line as an output; nullptr when out of memory.
SettingsPtr output_settings(const LineSettings& settings, bool on) {
  SettingsPtr line(gpiod_line_settings_new());
  if (line) {
    gpiod_line_settings_set_direction(line.get(), GPIOD_LINE_DIRECTION_OUTPUT);
    gpiod_line_settings_set_active_low(line.get(), settings.active_low);
    gpiod_line_settings_set_drive(line.get(), drive_of(settings.drive));
    gpiod_line_settings_set_bias(line.get(), bias_of(settings.bias));
    gpiod_line_settings_set_output_value(line.get(), value_of(on));
  }
  return line;
}

class RequestV2 final : public ChipRequest {
 public:
  RequestV2(LineRequestPtr request, std::vector<RequestedLine> lines)
      : request_(std::move(request)),
        lines_(std::move(lines)),
        levels_(lines_.size(), false),
        offsets_(lines_.size()),
        values_(lines_.size()) {}

  [[nodiscard]] int set(std::span<const std::size_t> positions,
                        std::span<const std::uint8_t> values) noexcept override {
    for (std::size_t i = 0; i < positions.size(); ++i) {
      offsets_[i] = lines_[positions[i]].offset;
      values_[i] = value_of(values[i] != 0);
    }
    if (gpiod_line_request_set_values_subset(request_.get(), positions.size(), offsets_.data(),
                                             values_.data()) != 0) {
      return errno;
    }
    for (std::size_t i = 0; i < positions.size(); ++i) {
      levels_[positions[i]] = values[i] != 0;
    }
    return 0;
  }

  [[nodiscard]] int park(std::span<const ParkAs> how) noexcept override {
    const LineConfigPtr config(gpiod_line_config_new());
    if (!config) {
      return ENOMEM;
    }
    for (std::size_t position = 0; position < lines_.size(); ++position) {
      const RequestedLine& line = lines_[position];
      SettingsPtr settings = output_settings(line.settings, levels_[position]);
      if (!settings) {
        return ENOMEM;
      }
      if (how[position] != ParkAs::Output) {
        gpiod_line_settings_set_direction(settings.get(), GPIOD_LINE_DIRECTION_INPUT);
        gpiod_line_settings_set_drive(settings.get(), GPIOD_LINE_DRIVE_PUSH_PULL);
        gpiod_line_settings_set_bias(settings.get(), how[position] == ParkAs::PullUp
                                                         ? GPIOD_LINE_BIAS_PULL_UP
                                                         : GPIOD_LINE_BIAS_PULL_DOWN);
      }
      if (gpiod_line_config_add_line_settings(config.get(), &line.offset, 1, settings.get()) != 0) {
        return errno;
      }
    }
    return gpiod_line_request_reconfigure_lines(request_.get(), config.get()) == 0 ? 0 : errno;
  }

  [[nodiscard]] std::size_t groups() const noexcept override { return 1; }

 private:
  LineRequestPtr request_;
  std::vector<RequestedLine> lines_;
  std::vector<bool> levels_;  // as last set, for lines that stay outputs when parking
  // Scratch for set(): no allocation per edge.
  std::vector<unsigned> offsets_;
  std::vector<gpiod_line_value> values_;
};

}  // namespace

std::string library_version() {
  return gpiod_api_version();
}

std::unique_ptr<ChipRequest> request_lines(const std::filesystem::path& device,
                                           std::span<const RequestedLine> lines,
                                           const std::string& consumer, RequestFailure& failure) {
  const ChipPtr chip(gpiod_chip_open(device.c_str()));
  if (!chip) {
    failure = {errno, "open"};
    return nullptr;
  }
  const LineConfigPtr line_config(gpiod_line_config_new());
  const RequestConfigPtr request_config(gpiod_request_config_new());
  if (!line_config || !request_config) {
    failure = {ENOMEM, "request"};
    return nullptr;
  }
  for (const auto& line : lines) {
    const SettingsPtr settings = output_settings(line.settings, false);
    if (!settings) {
      failure = {ENOMEM, "configure"};
      return nullptr;
    }
    if (gpiod_line_config_add_line_settings(line_config.get(), &line.offset, 1, settings.get()) !=
        0) {
      failure = {errno, "configure"};
      return nullptr;
    }
  }
  gpiod_request_config_set_consumer(request_config.get(), consumer.c_str());
  LineRequestPtr request(
      gpiod_chip_request_lines(chip.get(), request_config.get(), line_config.get()));
  if (!request) {
    failure = {errno, "request"};
    return nullptr;
  }
  // The request holds its own file descriptor: the chip may be closed now.
  return std::make_unique<RequestV2>(std::move(request),
                                     std::vector<RequestedLine>(lines.begin(), lines.end()));
}

}  // namespace hal::gpiod
