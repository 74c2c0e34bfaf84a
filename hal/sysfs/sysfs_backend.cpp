// The legacy sysfs GPIO interface (/sys/class/gpio): export, active_low, direction,
// value. Every path is checked before it is touched, an existing export is adopted so
// that a restart recovers, and the value file stays open: one pwrite per toggle.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "hal/chardev_info.hpp"
#include "hal/hal.hpp"
#include "hal/registry.hpp"
#include "hal/sysfs_chips.hpp"
#include "hal/sysfs_attributes.hpp"

namespace hal::sysfs {
namespace {

constexpr auto kPollStep = std::chrono::milliseconds(5);

constexpr std::string_view kNoSysfsHint =
    "the kernel has no sysfs GPIO interface (CONFIG_GPIO_SYSFS), /sys is not mounted here, "
    "or --sysfs-root is wrong; in a container bind-mount /sys (-v /sys:/sys)";

std::string busy_hint(const ResolvedLine& line, const fs::path& dev_root) {
  std::string hint = "owned by a kernel driver or another process";
  if (!line.chip.empty()) {
    if (auto info = query_chardev_line(dev_root / line.chip, line.offset)) {
      if (!info->consumer.empty()) {
        return fmt::format("{}: the kernel names its consumer '{}'", hint, info->consumer);
      }
    }
  }
  return hint + " (see gpioinfo, or /sys/kernel/debug/gpio)";
}

std::string invalid_number_hint(unsigned number, const std::vector<ChipInfo>& chips) {
  std::string hint = fmt::format("no chip provides it; chips found: {}", describe_chips(chips));
  for (const auto& chip : chips) {
    if (chip.base && *chip.base > 0 && number < chip.ngpio) {
      hint += fmt::format(
          "; this kernel numbers {} from {}: did you mean {} ({}:{})? CHIP:OFFSET survives "
          "renumbering (Raspberry Pi kernels 6.6+ moved the base from 0 to 512)",
          chip.name.empty() ? chip.label : chip.name, *chip.base, *chip.base + number,
          chip.name.empty() ? chip.label : chip.name, number);
      break;
    }
  }
  return hint;
}

class SysfsLine final : public OutputLine {
 public:
  SysfsLine(ResolvedLine resolved, fs::path class_dir, fs::path value_path, UniqueFd value_fd,
            UniqueFd ownership, const BackendOptions& options)
      : resolved_(std::move(resolved)),
        class_dir_(std::move(class_dir)),
        value_path_(std::move(value_path)),
        value_fd_(std::move(value_fd)),
        ownership_(std::move(ownership)),
        unexport_(options.unexport_on_release),
        log_(options.log) {}

  SysfsLine(const SysfsLine&) = delete;
  SysfsLine& operator=(const SysfsLine&) = delete;
  SysfsLine(SysfsLine&&) = delete;
  SysfsLine& operator=(SysfsLine&&) = delete;

  ~SysfsLine() override {
    value_fd_.reset();
    ownership_.reset();
    if (unexport_) {
      try {
        unexport();
      } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor reports, never throws
      }
    }
  }

  void set(bool on) override {
    const char level = on ? '1' : '0';
    ssize_t written = 0;
    do {
      written = ::pwrite(value_fd_.get(), &level, 1, 0);
    } while (written < 0 && errno == EINTR);
    if (written != 1) {
      const int err = written < 0 ? errno : EIO;
      throw Error(value_path_.string(), fmt::format("writing '{}' failed", level), err,
                  err == ENODEV || err == ENXIO
                      ? "the GPIO chip went away (driver unbound or device removed)"
                      : std::string());
    }
  }

  [[nodiscard]] const ResolvedLine& resolved() const override { return resolved_; }

 private:
  void unexport() const {
    const auto number = std::to_string(*resolved_.global);
    const fs::path unexport_file = class_dir_ / "unexport";
    if (const int err = try_write_attribute(unexport_file, number); err != 0) {
      log_(LogLevel::Warning, fmt::format("{}: unexport of GPIO {} failed: {}",
                                          unexport_file.string(), number, std::strerror(err)));
    } else {
      log_(LogLevel::Info, fmt::format("unexported GPIO {}", number));
    }
  }

  ResolvedLine resolved_;
  fs::path class_dir_;
  fs::path value_path_;
  UniqueFd value_fd_;
  UniqueFd ownership_;  // the claim on the export: see SysfsBackend::claim
  bool unexport_;
  LogSink log_;
};

// Unexports a line this process exported if setting it up fails later, so a failed
// start leaves the system as it found it.
class ExportGuard {
 public:
  ExportGuard(fs::path unexport, unsigned number)
      : unexport_(std::move(unexport)), number_(number) {}
  ExportGuard(const ExportGuard&) = delete;
  ExportGuard& operator=(const ExportGuard&) = delete;
  ExportGuard(ExportGuard&&) = delete;
  ExportGuard& operator=(ExportGuard&&) = delete;
  ~ExportGuard() {
    if (armed_) {
      (void)try_write_attribute(unexport_, std::to_string(number_));
    }
  }
  void arm() { armed_ = true; }
  void release() { armed_ = false; }

 private:
  fs::path unexport_;
  unsigned number_;
  bool armed_ = false;
};

class SysfsBackend final : public Backend {
 public:
  explicit SysfsBackend(BackendOptions options)
      : options_(std::move(options)), class_dir_(options_.sysfs_root / "class" / "gpio") {}

  [[nodiscard]] std::string_view name() const override { return "sysfs"; }

  [[nodiscard]] ResolvedLine resolve(const LineSpec& spec) override {
    require_directory(class_dir_, kNoSysfsHint);
    auto chips = discover_chips(options_.sysfs_root, options_.dev_root);
    if (const auto* number = std::get_if<GlobalNumber>(&spec.address)) {
      for (const auto& chip : chips) {
        if (number->value >= *chip.info.base && number->value - *chip.info.base < chip.info.ngpio) {
          return resolve_on_chips(spec, chip_infos(chips));
        }
      }
      // No chip claims it: the kernel decides at export (an adopted export still works).
      ResolvedLine line;
      line.global = number->value;
      return line;
    }
    if (std::holds_alternative<LineName>(spec.address)) {
      fill_names_from_chardev(chips);
      const bool any_names = std::any_of(chips.begin(), chips.end(), [](const SysfsChip& chip) {
        return !chip.info.lines.empty();
      });
      if (!any_names) {
        throw Error(fmt::format("line '{}'", spec.text),
                    "line names come from the GPIO character device, and no /dev/gpiochipN could "
                    "be read",
                    0, "give CHIP:OFFSET or the global number, or use --backend gpiod");
      }
    }
    auto infos = chip_infos(chips);
    if (const auto* address = std::get_if<ChipOffset>(&spec.address)) {
      name_chip_by_sysfs_dir(*address, chips, infos);
    }
    return resolve_on_chips(spec, infos);
  }

  [[nodiscard]] std::unique_ptr<OutputLine> open_output(const LineSpec& spec,
                                                        const LineSettings& settings,
                                                        bool initial_on) override {
    if (settings.drive != Drive::PushPull || settings.bias != Bias::AsIs) {
      throw Error(fmt::format("line '{}'", spec.text),
                  "the sysfs interface cannot set drive or bias", 0,
                  "use --backend gpiod for open-drain, open-source and pull settings");
    }
    ResolvedLine resolved = resolve(spec);
    const unsigned number = *resolved.global;
    const fs::path gpio_dir = class_dir_ / fmt::format("gpio{}", number);
    const auto deadline = Clock::now() + options_.permission_wait;
    ExportGuard guard(class_dir_ / "unexport", number);

    if (path_exists(gpio_dir)) {
      options_.log(LogLevel::Notice, fmt::format("GPIO {} is already exported: adopting {}", number,
                                                 gpio_dir.string()));
    } else if (export_line(resolved, number, gpio_dir)) {
      guard.arm();
      wait_for_directory(gpio_dir, deadline);
    }
    UniqueFd ownership = claim(gpio_dir, number);

    // active_low first: direction and value below are then already in the line's logic.
    write_setting(gpio_dir / "active_low", settings.active_low ? "1" : "0", deadline);
    clear_edge(gpio_dir);
    set_direction(gpio_dir, initial_on, initial_on != settings.active_low, deadline);

    const fs::path value_path = gpio_dir / "value";
    UniqueFd value_fd = open_writable_by(value_path, deadline);
    guard.release();
    options_.log(LogLevel::Info,
                 fmt::format("line '{}': {} is an output, {}{}", spec.text, resolved.describe(),
                             initial_on ? "on" : "off", settings.active_low ? ", active-low" : ""));
    return std::make_unique<SysfsLine>(std::move(resolved), class_dir_, value_path,
                                       std::move(value_fd), std::move(ownership), options_);
  }

  [[nodiscard]] std::vector<ChipInfo> list_chips() override {
    require_directory(class_dir_, kNoSysfsHint);
    auto chips = discover_chips(options_.sysfs_root, options_.dev_root);
    fill_names_from_chardev(chips);
    auto infos = chip_infos(chips);
    for (auto& chip : infos) {
      if (chip.lines.empty()) {
        for (unsigned offset = 0; offset < chip.ngpio; ++offset) {
          chip.lines.push_back(LineInfo{offset, {}, {}, false, false, false});
        }
      }
      for (auto& line : chip.lines) {
        if (!line.used &&
            path_exists(class_dir_ / fmt::format("gpio{}", *chip.base + line.offset))) {
          line.used = true;
          line.consumer = "sysfs";
        }
      }
    }
    return infos;
  }

 private:
  // An export is shared by every process, so adopting one must not mean fighting over
  // it: an advisory lock on the line's directory marks it driven. The kernel drops the
  // lock with the process, however it dies, so a restart still adopts the export.
  static UniqueFd claim(const fs::path& gpio_dir, unsigned number) {
    UniqueFd dir(::open(gpio_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) {
      const int err = errno;
      throw Error(gpio_dir.string(), "cannot be opened", err, access_hint(err));
    }
    int locked = 0;
    do {
      locked = ::flock(dir.get(), LOCK_EX | LOCK_NB);
    } while (locked != 0 && errno == EINTR);
    if (locked != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        throw Error(fmt::format("GPIO {}", number), "is already driven by another gpio-blinkd",
                    EBUSY, "stop that instance first; two blinkers on one line fight");
      }
      throw Error(gpio_dir.string(), "cannot be locked", err);
    }
    return dir;
  }

  // Returns true when this call exported the line, false when it adopted an export
  // that appeared meanwhile. Throws on every other outcome.
  bool export_line(const ResolvedLine& resolved, unsigned number, const fs::path& gpio_dir) {
    const fs::path export_file = class_dir_ / "export";
    if (!path_exists(export_file)) {
      throw Error(export_file.string(), "is missing", ENOENT,
                  "this kernel has no legacy sysfs export (CONFIG_GPIO_SYSFS_LEGACY); "
                  "use --backend gpiod");
    }
    const int err = try_write_attribute(export_file, std::to_string(number));
    switch (err) {
      case 0:
        options_.log(LogLevel::Info, fmt::format("exported GPIO {}", number));
        return true;
      case EBUSY:
        if (path_exists(gpio_dir)) {
          options_.log(LogLevel::Notice, fmt::format("GPIO {} was exported meanwhile: adopting {}",
                                                     number, gpio_dir.string()));
          return false;
        }
        throw Error(fmt::format("GPIO {}", number),
                    fmt::format("cannot be exported: {} is busy",
                                resolved.chip.empty() ? "the line" : resolved.describe()),
                    EBUSY, busy_hint(resolved, options_.dev_root));
      case EINVAL:
        throw Error(
            export_file.string(), fmt::format("the kernel rejected GPIO {}", number), EINVAL,
            invalid_number_hint(
                number, chip_infos(discover_chips(options_.sysfs_root, options_.dev_root))));
      default:
        throw Error(export_file.string(), fmt::format("writing '{}' failed", number), err,
                    access_hint(err));
    }
  }

  void wait_for_directory(const fs::path& gpio_dir, Clock::time_point deadline) const {
    while (!path_exists(gpio_dir)) {
      if (Clock::now() >= deadline) {
        throw Error(gpio_dir.string(), "did not appear after a successful export", ENOENT,
                    "kernels before 4.x named it after the line; this one is not supported");
      }
      std::this_thread::sleep_for(kPollStep);
    }
  }

  static void write_setting(const fs::path& file, std::string_view value,
                            Clock::time_point deadline) {
    UniqueFd fd = open_writable_by(file, deadline);
    ssize_t written = 0;
    do {
      written = ::write(fd.get(), value.data(), value.size());
    } while (written < 0 && errno == EINTR);
    if (written != static_cast<ssize_t>(value.size())) {
      const int err = written < 0 ? errno : EIO;
      throw Error(file.string(), fmt::format("writing '{}' failed", value), err, access_hint(err));
    }
  }

  // A line adopted with edge detection on cannot become an output (the kernel answers
  // EIO), so an inherited edge setting is cleared first.
  void clear_edge(const fs::path& gpio_dir) const {
    const fs::path edge = gpio_dir / "edge";
    if (!path_exists(edge)) {
      return;
    }
    if (std::string current = read_attribute(edge); current != "none") {
      options_.log(LogLevel::Notice,
                   fmt::format("{}: was '{}', setting 'none'", edge.string(), current));
      write_attribute(edge, "none");
    }
  }

  // "high"/"low" set the direction and the physical level in one step: no glitch.
  void set_direction(const fs::path& gpio_dir, bool logical_on, bool physical_high,
                     Clock::time_point deadline) const {
    const fs::path direction = gpio_dir / "direction";
    if (!path_exists(direction)) {
      options_.log(LogLevel::Warning,
                   fmt::format("{} is missing: the driver does not let the direction change; "
                               "driving the value only",
                               direction.string()));
      write_setting(gpio_dir / "value", logical_on ? "1" : "0", deadline);
      return;
    }
    const char* wanted = physical_high ? "high" : "low";
    write_setting(direction, wanted, deadline);
    if (std::string now = read_attribute(direction); now != "out") {
      throw Error(direction.string(), fmt::format("holds '{}' after writing '{}'", now, wanted), 0,
                  "expected 'out'; the line may be input-only");
    }
  }

  void fill_names_from_chardev(std::vector<SysfsChip>& chips) const {
    for (auto& chip : chips) {
      if (chip.info.name.empty()) {
        continue;
      }
      std::vector<LineInfo> lines;
      for (unsigned offset = 0; offset < chip.info.ngpio; ++offset) {
        auto info = query_chardev_line(options_.dev_root / chip.info.name, offset);
        if (!info) {
          lines.clear();
          break;
        }
        lines.push_back(std::move(*info));
      }
      chip.info.lines = std::move(lines);
    }
  }

  // `gpiochipN` names the character device; when no chip has that name but the sysfs
  // directory gpiochipN exists (N is then the base), the user meant that directory.
  void name_chip_by_sysfs_dir(const ChipOffset& address, const std::vector<SysfsChip>& chips,
                              std::vector<ChipInfo>& infos) const {
    std::string_view wanted = address.chip;
    if (wanted.starts_with("/dev/")) {
      return;
    }
    for (const auto& info : infos) {
      if (info.name == wanted) {
        return;
      }
    }
    for (std::size_t i = 0; i < chips.size(); ++i) {
      if (chips[i].sysfs_name == wanted) {
        options_.log(LogLevel::Notice,
                     fmt::format("'{}' is not a character device here; taking the sysfs chip "
                                 "{} (base {})",
                                 wanted, (chips[i].dir).string(), *chips[i].info.base));
        infos[i].name = chips[i].sysfs_name;
        return;
      }
    }
  }

  BackendOptions options_;
  fs::path class_dir_;
};

std::string sysfs_unusable_reason(const BackendOptions& options) {
  const fs::path export_file = options.sysfs_root / "class" / "gpio" / "export";
  if (!path_exists(export_file)) {
    return fmt::format("{} does not exist", export_file.string());
  }
  return {};
}

}  // namespace
}  // namespace hal::sysfs

namespace hal::registry {

const BackendDescriptor& sysfs() {
  static const BackendDescriptor descriptor{
      "sysfs", "the legacy /sys/class/gpio interface (export, active_low, direction, value)", 10,
      sysfs::sysfs_unusable_reason, [](const BackendOptions& options) -> std::unique_ptr<Backend> {
        return std::make_unique<sysfs::SysfsBackend>(options);
      }};
  return descriptor;
}

}  // namespace hal::registry
