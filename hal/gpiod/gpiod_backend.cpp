// The GPIO character device (/dev/gpiochipN) through libgpiod: the interface Linux
// keeps. A line is requested with the consumer "gpio-blinkd" at its safe level; active-low,
// drive and bias are request flags, so the kernel inverts, not we; destroying the line
// releases the request.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <system_error>

#include <fmt/format.h>

#include "hal/chardev_info.hpp"
#include "hal/gpiod/gpiod_library.hpp"
#include "hal/hal.hpp"
#include "hal/registry.hpp"
#include "hal/sysfs_chips.hpp"

namespace hal::gpiod {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPermissionHint =
    "run as root, or in a group that may open it (group 'gpio' on Raspberry Pi OS; udev rule "
    "SUBSYSTEM==\"gpio\", KERNEL==\"gpiochip*\", GROUP=\"gpio\", MODE=\"0660\"); in a container "
    "pass the device (docker run --device /dev/gpiochipN)";

bool is_chip_name(const std::string& name) {
  constexpr std::string_view prefix = "gpiochip";
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         name.find_first_not_of("0123456789", prefix.size()) == std::string::npos;
}

// libgpiod opens whatever path it is given; a FIFO or socket where /dev has a chip would
// block or confuse it, so the type is checked first.
ChipInfo read_chip_device(const fs::path& node) {
  struct stat info {};
  if (::stat(node.c_str(), &info) != 0) {
    throw Error(node.string(), "cannot be opened", errno);
  }
  if (!S_ISCHR(info.st_mode)) {
    throw Error(node.string(), "is not a character device", 0,
                "a GPIO chip device is a character device (major 254 on most systems)");
  }
  return read_chip(node);
}

struct ChipScan {
  std::vector<ChipInfo> chips;
  std::map<std::string, fs::path> devices;  // gpiochipN -> the node to open
  std::vector<std::string> failures;        // devices that could not be read, and why
  bool permission_denied = false;           // one of them for lack of permission
};

class GpiodLine final : public OutputLine {
 public:
  GpiodLine(std::unique_ptr<Request> request, ResolvedLine resolved, fs::path device)
      : request_(std::move(request)), resolved_(std::move(resolved)), device_(std::move(device)) {}

  void set(bool on) override {
    if (const int err = request_->set(on); err != 0) {
      throw Error(fmt::format("{} line {}", device_.string(), resolved_.offset),
                  fmt::format("setting it {} failed", on ? "on" : "off"), err,
                  err == ENODEV || err == EIO || err == ENXIO
                      ? "the GPIO chip went away (driver unbound or device removed)"
                      : std::string());
    }
  }
  [[nodiscard]] const ResolvedLine& resolved() const override { return resolved_; }

 private:
  std::unique_ptr<Request> request_;
  ResolvedLine resolved_;
  fs::path device_;
};

class GpiodBackend final : public Backend {
 public:
  explicit GpiodBackend(BackendOptions options) : options_(std::move(options)) {}

  [[nodiscard]] std::string_view name() const override { return "gpiod"; }

  [[nodiscard]] ResolvedLine resolve(const LineSpec& spec) override {
    return resolve_in(scan(), spec);
  }

  [[nodiscard]] std::unique_ptr<OutputLine> open_output(const LineSpec& spec,
                                                        const LineSettings& settings,
                                                        bool initial_on) override {
    const ChipScan chips = scan();
    ResolvedLine resolved = resolve_in(chips, spec);
    const fs::path device = chips.devices.at(resolved.chip);
    RequestFailure failure;
    auto request =
        request_output(device, resolved.offset, settings, initial_on, options_.consumer, failure);
    if (!request) {
      throw request_error(spec, resolved, device, settings, failure);
    }
    options_.log(
        LogLevel::Info,
        fmt::format("line '{}': {} requested as an output by '{}', {}{} (libgpiod {})", spec.text,
                    resolved.describe(), options_.consumer, initial_on ? "on" : "off",
                    settings.active_low ? ", active-low" : "", library_version()));
    return std::make_unique<GpiodLine>(std::move(request), std::move(resolved), device);
  }

  [[nodiscard]] std::vector<ChipInfo> list_chips() override {
    ChipScan chips = scan();
    if (chips.chips.empty() && !chips.failures.empty()) {
      throw Error(options_.dev_root().string(), "no GPIO chip could be read", 0,
                  failures_hint(chips));
    }
    return std::move(chips.chips);
  }

 private:
  // Every chip under dev_root, once each (the Pi 5 keeps /dev/gpiochip4 as a link to
  // gpiochip0), with its base when sysfs or debugfs tells it.
  [[nodiscard]] ChipScan scan() const {
    ChipScan result;
    std::error_code ec;
    std::vector<fs::path> nodes;
    for (fs::directory_iterator it(options_.dev_root(), ec), end; !ec && it != end;
         it.increment(ec)) {
      if (is_chip_name(it->path().filename().string())) {
        nodes.push_back(it->path());
      }
    }
    std::sort(nodes.begin(), nodes.end());
    const auto bases = sysfs::chardev_bases(options_.sysfs_root(), options_.dev_root());
    for (const auto& node : nodes) {
      try {
        options_.wait(std::chrono::nanoseconds::zero());  // a stop request ends the scan
        ChipInfo chip = read_chip_device(node);
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

  // Why the chips could not be read; the permission advice only when that was why.
  [[nodiscard]] static std::string failures_hint(const ChipScan& chips) {
    std::string hint = fmt::format("{}", fmt::join(chips.failures, "; "));
    if (chips.permission_denied) {
      hint += fmt::format("; {}", kPermissionHint);
    }
    return hint;
  }

  // A device path or node name as the kernel names the chip: /dev/gpiochip4 may be a
  // link to gpiochip0.
  [[nodiscard]] std::string chip_name_of(const std::string& chip) const {
    fs::path node;
    if (chip.starts_with("/")) {
      node = chip;
    } else if (is_chip_name(chip)) {
      node = options_.dev_root() / chip;
    } else {
      return chip;  // a label
    }
    std::error_code ec;
    const fs::path real = fs::canonical(node, ec);
    return ec ? node.filename().string() : real.filename().string();
  }

  [[nodiscard]] Error request_error(const LineSpec& spec, const ResolvedLine& line,
                                    const fs::path& device, const LineSettings& settings,
                                    const RequestFailure& failure) const {
    const std::string subject = fmt::format("line '{}'", spec.text);
    const std::string what =
        fmt::format("{} cannot be requested ({} failed)", line.describe(), failure.step);
    switch (failure.errnum) {
      case EBUSY:
        return {subject, fmt::format("{} is busy", line.describe()), EBUSY,
                busy_hint(device, line.offset)};
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
                settings.drive != Drive::PushPull || settings.bias != Bias::AsIs
                    ? "the driver may not support the drive or bias asked for"
                    : std::string()};
      default:
        return {subject, what, failure.errnum};
    }
  }

  [[nodiscard]] static std::string busy_hint(const fs::path& device, unsigned offset) {
    auto info = query_chardev_line(device, offset);
    if (!info || info->consumer.empty()) {
      return "another program or a kernel driver holds it (see gpioinfo)";
    }
    if (info->consumer == "sysfs") {
      return "it is exported through /sys/class/gpio (consumer 'sysfs'): unexport it, or use "
             "--backend sysfs";
    }
    return fmt::format("held by consumer '{}'", info->consumer);
  }

  BackendOptions options_;
};

std::string gpiod_unusable_reason(const BackendOptions& options) {
  std::error_code ec;
  std::string why = fmt::format("no /dev/gpiochipN under {}", options.dev_root().string());
  for (fs::directory_iterator it(options.dev_root(), ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_chip_name(it->path().filename().string())) {
      continue;
    }
    try {
      (void)read_chip_device(it->path());
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
