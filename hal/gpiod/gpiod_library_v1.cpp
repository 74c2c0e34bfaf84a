// SPDX-License-Identifier: MIT
// libgpiod 1.6 (Debian 12, Raspberry Pi OS bookworm): the GPIO uAPI v1. A v1 request has
// one flags word for all its lines and no mask, so a chip's lines are requested in
// groups of equal settings, and a set drives every line of a group in one ioctl.
#include <gpiod.h>

#include <cerrno>
#include <map>
#include <tuple>
#include <vector>

#include "hal/gpiod/gpiod_library.hpp"

namespace hal::gpiod {
namespace {

struct ChipCloser {
  void operator()(gpiod_chip* chip) const { gpiod_chip_close(chip); }
};
using ChipPtr = std::unique_ptr<gpiod_chip, ChipCloser>;

int bias_flags(Bias bias) {
  switch (bias) {
    case Bias::Disabled:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE;
    case Bias::PullUp:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP;
    case Bias::PullDown:
      return GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
    case Bias::AsIs:
      break;
  }
  return 0;
}

int request_flags(const LineSettings& settings) {
  int flags = settings.active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
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
  return flags | bias_flags(settings.bias);
}

// Lines of one chip with the same flags (and the same fate when parked), requested
// together: at most a bulk's worth.
struct Group {
  int flags = 0;
  bool active_low = false;
  bool park = false;
  gpiod_line_bulk bulk{};
  std::vector<int> values;  // logical, as last set: a v1 set drives every line
  bool touched = false;
};

class RequestV1 final : public ChipRequest {
 public:
  RequestV1(ChipPtr chip, std::vector<Group> groups,
            std::vector<std::pair<std::size_t, std::size_t>> where)
      : chip_(std::move(chip)), groups_(std::move(groups)), where_(std::move(where)) {}

  [[nodiscard]] int set(std::span<const std::size_t> positions,
                        std::span<const std::uint8_t> values) noexcept override {
    for (std::size_t i = 0; i < positions.size(); ++i) {
      const auto [group, index] = where_[positions[i]];
      groups_[group].values[index] = values[i] != 0 ? 1 : 0;
      groups_[group].touched = true;
    }
    int failed = 0;
    for (auto& group : groups_) {
      if (group.touched) {
        group.touched = false;
        if (gpiod_line_set_value_bulk(&group.bulk, group.values.data()) != 0 && failed == 0) {
          failed = errno;
        }
      }
    }
    return failed;
  }

  [[nodiscard]] int park(std::span<const ParkAs> how) noexcept override {
    int failed = 0;
    for (std::size_t position = 0; position < where_.size(); ++position) {
      Group& group = groups_[where_[position].first];
      if (!group.park || group.touched) {
        continue;  // stays an output, or this group is done
      }
      group.touched = true;
      const int pull = how[position] == ParkAs::PullUp ? GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
                                                       : GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN;
      const int flags = (group.active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0) | pull;
      if (gpiod_line_set_config_bulk(&group.bulk, GPIOD_LINE_REQUEST_DIRECTION_INPUT, flags,
                                     nullptr) != 0 &&
          failed == 0) {
        failed = errno;
      }
    }
    for (auto& group : groups_) {
      group.touched = false;
    }
    return failed;
  }

  [[nodiscard]] std::size_t groups() const noexcept override { return groups_.size(); }

 private:
  ChipPtr chip_;  // closing the chip releases every line requested from it
  std::vector<Group> groups_;
  std::vector<std::pair<std::size_t, std::size_t>> where_;  // position -> (group, index)
};

}  // namespace

std::string library_version() {
  return gpiod_version_string();
}

std::unique_ptr<ChipRequest> request_lines(const std::filesystem::path& device,
                                           std::span<const RequestedLine> lines,
                                           const std::string& consumer, RequestFailure& failure) {
  ChipPtr chip(gpiod_chip_open(device.c_str()));
  if (!chip) {
    failure = {errno, "open"};
    return nullptr;
  }
  std::vector<Group> groups;
  std::map<std::tuple<int, bool>, std::size_t> open_group;  // (flags, park) -> a group not full
  std::vector<std::pair<std::size_t, std::size_t>> where;
  for (const auto& wanted : lines) {
    gpiod_line* line = gpiod_chip_get_line(chip.get(), wanted.offset);
    if (line == nullptr) {
      failure = {errno, "get line"};
      return nullptr;
    }
    const int flags = request_flags(wanted.settings);
    const auto key = std::make_tuple(flags, wanted.park);
    auto found = open_group.find(key);
    if (found == open_group.end() ||
        groups[found->second].bulk.num_lines == GPIOD_LINE_BULK_MAX_LINES) {
      Group group;
      group.flags = flags;
      group.active_low = wanted.settings.active_low;
      group.park = wanted.park;
      gpiod_line_bulk_init(&group.bulk);
      groups.push_back(std::move(group));
      found = open_group.insert_or_assign(key, groups.size() - 1).first;
    }
    Group& group = groups[found->second];
    gpiod_line_bulk_add(&group.bulk, line);
    group.values.push_back(0);
    where.emplace_back(found->second, group.values.size() - 1);
  }
  for (auto& group : groups) {
    if (gpiod_line_request_bulk_output_flags(&group.bulk, consumer.c_str(), group.flags,
                                             group.values.data()) != 0) {
      failure = {errno, "request"};
      return nullptr;  // closing the chip releases the groups requested so far
    }
  }
  return std::make_unique<RequestV1>(std::move(chip), std::move(groups), std::move(where));
}

}  // namespace hal::gpiod
