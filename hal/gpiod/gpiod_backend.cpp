// SPDX-License-Identifier: MIT
// The GPIO character device (/dev/gpiochipN) through libgpiod: the interface Linux
// keeps. Chips are described by hal/chardev.hpp (one scan, shared with sysfs); the lines
// of one chip are one request (uAPI v2) with the consumer "gpio-blinkd", each line with
// its own active-low, drive and bias (request flags, so the kernel inverts), and every
// instant's changes on a chip are one ioctl. At exit each line is driven off, then
// parked as an input pulled toward off (or released where the kernel keeps released
// outputs driven), then released.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "hal/chardev.hpp"
#include "hal/gpiod/gpiod_bank.hpp"
#include "hal/gpiod/gpiod_library.hpp"
#include "hal/hal.hpp"
#include "hal/registry.hpp"
#include "hal/sysfs_attributes.hpp"

namespace hal::gpiod {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPermissionHint =
    "run as root, or in a group that may open it (group 'gpio' on Raspberry Pi OS; udev rule "
    "SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\"); in a container "
    "pass the device (docker run --device /dev/gpiochipN)";

// Why the chips could not be read; the permission advice only when that was why.
std::string failures_hint(const ChipScan& chips) {
  std::string hint = fmt::format("{}", fmt::join(chips.failures, "; "));
  if (chips.permission_denied) {
    hint += fmt::format("; {}", kPermissionHint);
  }
  return hint;
}

// Raspberry Pi kernels keep a released output driven (persist_gpio_outputs of the pin
// controller's module, on unless dtparam=strict_gpiod): there parking would weaken a
// driven off level to a pull resistor, and a plain release already holds it.
std::optional<std::string> persisting_module(const BackendOptions& options,
                                             const std::string& label) {
  std::string_view module;
  if (label.starts_with("pinctrl-bcm")) {
    module = "pinctrl_bcm2835";
  } else if (label.starts_with("pinctrl-rp1")) {
    module = "pinctrl_rp1";
  } else {
    return std::nullopt;
  }
  const fs::path parameter =
      options.sysfs_root() / "module" / module / "parameters" / "persist_gpio_outputs";
  const auto value = sysfs::read_text_file(parameter, 16);
  if (value && (value->starts_with("Y") || value->starts_with("1"))) {
    return fmt::format("{}.persist_gpio_outputs=Y", module);
  }
  return std::nullopt;
}

std::string names_of(std::span<const LineRequest* const> lines) {
  std::string text;
  for (const auto* line : lines) {
    text += fmt::format("{}'{}'", text.empty() ? "" : ", ", line->name);
  }
  return fmt::format("{} {}", lines.size() == 1 ? "line" : "lines", text);
}

class GpiodBackend final : public Backend {
 public:
  explicit GpiodBackend(BackendOptions options) : options_(std::move(options)) {}

  [[nodiscard]] std::string_view name() const override { return "gpiod"; }

  [[nodiscard]] Lines open(std::span<const LineRequest> requests) override {
    std::vector<std::string> names;
    for (const auto& request : requests) {
      names.push_back(request.name);
    }
    auto bank = std::make_unique<GpiodBank>(std::move(names), options_.log);
    // One request per chip, in the order the chips first appear.
    std::vector<std::string> chip_order;
    std::map<std::string, std::vector<std::size_t>> by_chip;
    for (std::size_t index = 0; index < requests.size(); ++index) {
      const std::string& chip = requests[index].line.chip;
      if (!by_chip.contains(chip)) {
        chip_order.push_back(chip);
      }
      by_chip[chip].push_back(index);
    }
    for (const auto& chip : chip_order) {
      options_.wait(std::chrono::nanoseconds::zero());
      bank->add(open_chip(requests, by_chip[chip]));
    }
    return Lines(std::move(bank));
  }

  [[nodiscard]] std::vector<ChipInfo> list_chips() override {
    ChipScan chips = scan_chardev_chips(options_);
    if (chips.chips.empty() && !chips.failures.empty()) {
      throw Error(options_.dev_root().string(), "no GPIO chip could be read", 0,
                  failures_hint(chips));
    }
    return std::move(chips.chips);
  }

 protected:
  [[nodiscard]] std::vector<ResolvedLine> resolve_lines(std::span<const LineSpec> specs) override {
    const ChipScan chips = scan_chardev_chips(options_);
    std::vector<ResolvedLine> resolved;
    for (const auto& spec : specs) {
      ResolvedLine line = resolve_in(chips, spec);
      line.device = chips.devices.at(line.chip);
      resolved.push_back(std::move(line));
    }
    return resolved;
  }

 private:
  ChipLines open_chip(std::span<const LineRequest> requests,
                      const std::vector<std::size_t>& indices) {
    const ResolvedLine& first = requests[indices.front()].line;
    ChipLines chip;
    chip.chip = first.label.empty() ? first.chip : fmt::format("{} [{}]", first.chip, first.label);
    chip.device = first.device;
    chip.indices = indices;
    const auto persists = persisting_module(options_, first.label);
    if (persists) {
      options_.log(LogLevel::Info,
                   fmt::format("{}: the kernel keeps released outputs driven ({}): its lines are "
                               "released at their off level rather than parked",
                               chip.chip, *persists));
    }
    std::vector<RequestedLine> wanted;
    std::vector<const LineRequest*> members;
    for (const std::size_t index : indices) {
      const LineRequest& request = requests[index];
      members.push_back(&request);
      const ParkAs exit = exit_of(request, persists.has_value());
      chip.exit.push_back(exit);
      chip.exit_text.push_back(exit == ParkAs::Output ? std::string("released")
                               : exit == ParkAs::PullUp
                                   ? std::string("parked as an input pulled up, released")
                                   : std::string("parked as an input pulled down, released"));
      wanted.push_back(
          RequestedLine{request.line.offset, request.settings, exit != ParkAs::Output});
      chip.offsets.push_back(request.line.offset);
    }
    RequestFailure failure;
    chip.request = request_lines(first.device, wanted, options_.consumer, failure);
    if (!chip.request) {
      throw request_error(members, first, failure);
    }
    for (const auto* member : members) {
      options_.log(LogLevel::Info,
                   fmt::format("line '{}': {} requested as an output by '{}', off{} (libgpiod {}, "
                               "{} request{} for this chip)",
                               member->name, member->line.describe(), options_.consumer,
                               member->settings.active_low ? ", active-low" : "", library_version(),
                               chip.request->groups(), chip.request->groups() == 1 ? "" : "s"));
    }
    return chip;
  }

  // Where a line ends up after release: parked (pulled toward its off level) or left as
  // an output the kernel may or may not keep driving.
  static ParkAs exit_of(const LineRequest& request, bool kernel_keeps_outputs) {
    const ParkAs park = request.settings.active_low ? ParkAs::PullUp : ParkAs::PullDown;
    switch (request.settings.on_exit) {
      case OnExit::Park:
        return park;
      case OnExit::Release:
        return ParkAs::Output;
      case OnExit::Keep:
        if (!kernel_keeps_outputs) {
          throw Error(fmt::format("line '{}'", request.name),
                      "--on-exit keep is not possible through the character device here", 0,
                      "a released line goes back to the chip's default; use park (an input "
                      "pulled toward off) or release, or --backend sysfs, whose export stays");
        }
        return ParkAs::Output;
      case OnExit::Default:
        break;
    }
    return kernel_keeps_outputs ? ParkAs::Output : park;
  }

  [[nodiscard]] ResolvedLine resolve_in(const ChipScan& chips, const LineSpec& spec) const {
    if (chips.chips.empty()) {
      throw Error(fmt::format("line '{}'", spec.text),
                  fmt::format("no GPIO character device could be read under {}",
                              options_.dev_root().string()),
                  0,
                  chips.failures.empty()
                      ? std::string("the kernel has no GPIO chip, or this container was not given "
                                    "one (docker run --device /dev/gpiochipN)")
                      : failures_hint(chips));
    }
    LineSpec lookup = spec;
    if (auto* address = std::get_if<ChipOffset>(&lookup.address)) {
      address->chip = chip_name_of(address->chip);
    }
    if (std::holds_alternative<GlobalNumber>(spec.address) &&
        std::none_of(chips.chips.begin(), chips.chips.end(),
                     [](const ChipInfo& chip) { return chip.base.has_value(); })) {
      throw Error(fmt::format("line '{}'", spec.text),
                  "global numbers need the chips' bases, and neither sysfs nor debugfs shows them",
                  0, "name the line as CHIP:OFFSET or by its name (gpio-blinkd --list)");
    }
    try {
      return resolve_on_chips(lookup, chips.chips);
    } catch (const Error& error) {
      if (chips.failures.empty()) {
        throw;
      }
      throw Error(error.subject(), error.problem(), error.errnum(),
                  fmt::format("{}; some chips could not be read: {}", error.hint(),
                              fmt::join(chips.failures, "; ")));
    }
  }

  // A device path or node name as the kernel names the chip: /dev/gpiochip4 may be a
  // link to gpiochip0.
  [[nodiscard]] std::string chip_name_of(const std::string& chip) const {
    fs::path node;
    if (chip.starts_with("/")) {
      node = chip;
    } else if (is_chip_device_name(chip)) {
      node = options_.dev_root() / chip;
    } else {
      return chip;  // a label
    }
    std::error_code ec;
    const fs::path real = fs::canonical(node, ec);
    return ec ? node.filename().string() : real.filename().string();
  }

  [[nodiscard]] static Error request_error(const std::vector<const LineRequest*>& members,
                                           const ResolvedLine& first,
                                           const RequestFailure& failure) {
    const fs::path& device = first.device;
    if (failure.errnum == EBUSY) {
      // The kernel refuses the whole request: name the lines somebody holds.
      for (const auto* member : members) {
        auto info = query_chardev_line(device, member->line.offset);
        if (!info || info->used) {
          return {fmt::format("line '{}'", member->name),
                  fmt::format("{} is busy", member->line.describe()), EBUSY,
                  busy_hint(info ? info->consumer : std::string())};
        }
      }
    }
    const std::string subject = names_of(members);
    const std::string what = fmt::format(
        "{} cannot be requested ({} failed)",
        members.size() == 1 ? members.front()->line.describe() : first.chip, failure.step);
    const bool special = std::any_of(members.begin(), members.end(), [](const auto* member) {
      return member->settings.drive != Drive::PushPull || member->settings.bias != Bias::AsIs;
    });
    switch (failure.errnum) {
      case EBUSY:
        return {subject, what, EBUSY, busy_hint({})};
      case EACCES:
      case EPERM:
        return {subject, fmt::format("{}: {} cannot be opened", what, device.string()),
                failure.errnum, std::string(kPermissionHint)};
      case ENOENT:
      case ENODEV:
      case ENXIO:
        return {subject, what, failure.errnum, "the GPIO chip went away"};
      case EOPNOTSUPP:
      case 524:  // ENOTSUPP, the kernel's own "not supported"
        return {subject, what, EOPNOTSUPP,
                "the chip's driver does not support the drive or bias asked for"};
      case EINVAL:
      case ENOTTY:
        if (library_version().starts_with("1.") && !chardev_has_uapi_v1(device)) {
          return {subject, what, failure.errnum, std::string(kNoUapiV1Hint)};
        }
        return {subject, what, failure.errnum,
                special ? "the driver may not support the drive or bias asked for" : ""};
      default:
        return {subject, what, failure.errnum};
    }
  }

  [[nodiscard]] static std::string busy_hint(const std::string& consumer) {
    if (consumer.empty()) {
      return "another program or a kernel driver holds it (see gpioinfo)";
    }
    if (consumer == "sysfs") {
      return "it is exported through /sys/class/gpio (consumer 'sysfs'): unexport it, or use "
             "--backend sysfs";
    }
    return fmt::format("held by consumer '{}'", consumer);
  }

  BackendOptions options_;
};

std::string gpiod_unusable_reason(const BackendOptions& options) {
  std::error_code ec;
  std::string why = fmt::format("no /dev/gpiochipN under {}", options.dev_root().string());
  for (fs::directory_iterator it(options.dev_root(), ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_chip_device_name(it->path().filename().string())) {
      continue;
    }
    try {
      (void)read_chardev_chip(it->path());
      if (library_version().starts_with("1.") && !chardev_has_uapi_v1(it->path())) {
        return std::string(kNoUapiV1Hint);
      }
      return {};
    } catch (const Error& error) {
      why = error.what();
    }
  }
  return why;
}

}  // namespace
}  // namespace hal::gpiod

namespace hal::registry {

const BackendDescriptor& gpiod() {
  static const BackendDescriptor descriptor{
      "gpiod",
      "the GPIO character device /dev/gpiochipN through libgpiod " BLINKD_LIBGPIOD_VERSION
      " (GPIO uAPI " BLINKD_GPIO_UAPI ")",
      {},
      20,
      gpiod::gpiod_unusable_reason,
      [](const BackendOptions& options) -> std::unique_ptr<Backend> {
        return std::make_unique<gpiod::GpiodBackend>(options);
      }};
  return descriptor;
}

}  // namespace hal::registry
