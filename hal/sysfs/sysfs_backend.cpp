// SPDX-License-Identifier: MIT
// The sysfs GPIO interface (/sys/class/gpio). The legacy ABI exports by global number
// (export, gpioN with active_low, direction, value); kernels from 6.17 may offer only
// the per-chip one (chipX/export by offset, chipX/gpioY with direction and value),
// used when the legacy export is absent. Every path is checked before it is touched,
// an existing export is adopted so that a restart recovers, and the value file stays
// open: one pwrite per toggle.
#include <algorithm>
#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "hal/chardev.hpp"
#include "hal/hal.hpp"
#include "hal/registry.hpp"
#include "hal/sysfs/sysfs_line.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/sysfs_chips.hpp"

namespace hal::sysfs {
namespace {

constexpr std::array<std::string_view, 3> kAbiWords{"auto", "legacy", "chip"};

const SettingDecl kPermissionWait{
    "permission-wait",
    SettingKind::Duration,
    "DUR",
    "how long a new export may stay unwritable while udev fixes its permissions",
    std::chrono::nanoseconds(std::chrono::seconds(2)),
    std::chrono::nanoseconds::zero(),
    std::chrono::nanoseconds(std::chrono::minutes(10))};
const SettingDecl kUnexport{"unexport", SettingKind::Flag, "",
                            "unexport lines on exit, instead of keeping them exported for a "
                            "restart to adopt (the default of --on-exit release)",
                            false};
const SettingDecl kSysfsAbi{
    "sysfs-abi",
    SettingKind::Keyword,
    "ABI",
    "legacy (/sys/class/gpio/export by global number), chip (chipN/export by offset, Linux "
    "6.17+) or auto (legacy when the kernel has it, else chip)",
    std::string("auto"),
    {},
    {},
    kAbiWords};

const std::array kSettings{kPermissionWait, kUnexport, kSysfsAbi};

enum class Abi : std::uint8_t { Auto, Legacy, Chip };

Abi abi_of(const BackendOptions& options) {
  const std::string& abi = options.settings.text(kSysfsAbi);
  return abi == "legacy" ? Abi::Legacy : abi == "chip" ? Abi::Chip : Abi::Auto;
}

constexpr std::string_view kNoSysfsHint =
    "the kernel has no sysfs GPIO interface (CONFIG_GPIO_SYSFS), /sys is not mounted here, "
    "or --sysfs-root is wrong; in a container bind-mount /sys (-v /sys:/sys)";

class SysfsBackend final : public Backend {
 public:
  explicit SysfsBackend(BackendOptions options)
      : options_(std::move(options)),
        class_dir_(options_.sysfs_root() / "class" / "gpio"),
        abi_(abi_of(options_)) {}

  [[nodiscard]] std::string_view name() const override { return "sysfs"; }

  [[nodiscard]] Lines open(std::span<const LineRequest> requests) override {
    auto bank = std::make_unique<SysfsBank>(options_.log);
    for (const auto& request : requests) {
      options_.wait(std::chrono::nanoseconds::zero());
      bank->add(open_line(request));
    }
    return Lines(std::move(bank));
  }

  [[nodiscard]] std::vector<ChipInfo> list_chips() override {
    require_directory(class_dir_, kNoSysfsHint);
    auto chips = chips_of_this_kernel();
    fill_names_from_chardev(chips);
    std::vector<ChipInfo> infos;
    for (const auto& chip : chips) {
      ChipInfo info = chip.info;
      if (info.lines.empty()) {
        for (unsigned offset = 0; offset < info.ngpio; ++offset) {
          info.lines.push_back(LineInfo{offset, {}, {}, false, false, false});
        }
      }
      for (auto& line : info.lines) {
        ResolvedLine resolved;
        resolved.chip = info.name;
        resolved.offset = line.offset;
        if (info.base) {
          resolved.global = *info.base + line.offset;
        }
        if (!line.used && (resolved.global || !legacy_abi()) &&
            path_exists(plan_export(resolved).line_dir)) {
          line.used = true;
          line.consumer = "sysfs";
        }
      }
      infos.push_back(std::move(info));
    }
    return infos;
  }

 protected:
  [[nodiscard]] std::vector<ResolvedLine> resolve_lines(std::span<const LineSpec> specs) override {
    require_directory(class_dir_, kNoSysfsHint);
    auto chips = chips_of_this_kernel();
    const bool names_wanted = std::any_of(specs.begin(), specs.end(), [](const LineSpec& spec) {
      return std::holds_alternative<LineName>(spec.address);
    });
    if (names_wanted) {
      fill_names_from_chardev(chips);
    }
    std::vector<ResolvedLine> resolved;
    for (const auto& spec : specs) {
      resolved.push_back(resolve_in(chips, spec));
    }
    return resolved;
  }

 private:
  [[nodiscard]] ResolvedLine resolve_in(const std::vector<SysfsChip>& chips,
                                        const LineSpec& spec) const {
    if (const auto* number = std::get_if<GlobalNumber>(&spec.address)) {
      const auto covering = std::find_if(chips.begin(), chips.end(), [&](const SysfsChip& chip) {
        return chip.info.base && number->value >= *chip.info.base &&
               number->value - *chip.info.base < chip.info.ngpio;
      });
      if (covering != chips.end()) {
        return resolve_on_chips(spec, chip_infos(chips));
      }
      if (!legacy_abi()) {
        throw Error(fmt::format("line '{}'", spec.text),
                    "this kernel has no global GPIO numbers (no legacy sysfs ABI, no debugfs to "
                    "tell the bases)",
                    0, "name the line as gpiochipN:OFFSET, LABEL:OFFSET or by its name");
      }
      // No chip claims it: the kernel decides at export (an adopted export still works).
      ResolvedLine line;
      line.global = number->value;
      return line;
    }
    if (std::holds_alternative<LineName>(spec.address)) {
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

  // Export (or adopt), settings in the order that avoids a glitch, the safe level.
  [[nodiscard]] std::unique_ptr<SysfsLine> open_line(const LineRequest& request) {
    const LineSettings& settings = request.settings;
    const ResolvedLine& resolved = request.line;
    if (settings.drive != Drive::PushPull || settings.bias != Bias::AsIs) {
      throw Error(fmt::format("line '{}'", request.name),
                  "the sysfs interface cannot set drive or bias", 0,
                  "use --backend gpiod for open-drain, open-source and pull settings");
    }
    if (settings.on_exit == OnExit::Park) {
      throw Error(fmt::format("line '{}'", request.name),
                  "--on-exit park needs a bias, which the sysfs interface cannot set", 0,
                  "use --backend gpiod, or keep (the default) or release");
    }
    const bool unexport_at_exit =
        settings.on_exit == OnExit::Release ||
        (settings.on_exit == OnExit::Default && options_.settings.flag(kUnexport));
    const ExportPlan plan = plan_export(resolved);
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             options_.settings.duration(kPermissionWait));
    ExportGuard guard(plan.unexport);

    if (path_exists(plan.line_dir)) {
      options_.log(LogLevel::Notice, fmt::format("{} is already exported: adopting {}",
                                                 plan.unexport.line, plan.line_dir.string()));
    } else if (export_line(resolved, plan, options_)) {
      guard.arm();
      wait_for_directory(plan.line_dir, deadline, options_.pause);
    }
    UniqueFd claim = claim_export(plan.line_dir, plan.unexport.line);

    // The per-chip ABI has no active_low: the inversion is done here. The legacy one
    // gets active_low first, so that direction and value below are in the line's logic.
    const bool physical_high = settings.active_low;  // off
    if (!plan.per_chip) {
      write_setting(plan.line_dir / "active_low", settings.active_low ? "1" : "0", deadline,
                    options_.pause);
      clear_edge(plan.line_dir, options_.log);
    }
    const bool value_bit = plan.per_chip && physical_high;
    set_direction(plan.line_dir, physical_high, value_bit ? "1" : "0", deadline, options_);

    const fs::path value_path = plan.line_dir / "value";
    UniqueFd value_fd = open_writable_by(value_path, deadline, options_.pause);
    guard.release();
    options_.log(LogLevel::Info,
                 fmt::format("line '{}': {} is an output, off{}{}", request.name,
                             resolved.describe(), settings.active_low ? ", active-low" : "",
                             plan.per_chip ? " (per-chip sysfs ABI)" : ""));
    return std::make_unique<SysfsLine>(request.name, value_path, std::move(value_fd),
                                       std::move(claim), plan.unexport,
                                       plan.per_chip && settings.active_low, unexport_at_exit);
  }

  // Whether lines are exported through the legacy /sys/class/gpio/export (by global
  // number) rather than the per-chip chipN/export (by offset).
  [[nodiscard]] bool legacy_abi() const {
    switch (abi_) {
      case Abi::Legacy:
        return true;
      case Abi::Chip:
        return false;
      case Abi::Auto:
        break;
    }
    return path_exists(class_dir_ / "export");
  }

  [[nodiscard]] std::vector<SysfsChip> chips_of_this_kernel() const {
    if (abi_ == Abi::Legacy && !path_exists(class_dir_ / "export")) {
      throw Error((class_dir_ / "export").string(), "is missing", ENOENT,
                  "--sysfs-abi legacy asks for the legacy sysfs export, which this kernel does "
                  "not have (CONFIG_GPIO_SYSFS_LEGACY off); use --sysfs-abi chip or --backend "
                  "gpiod");
    }
    if (!legacy_abi()) {
      if (auto per_chip = discover_per_chip_abi(options_.sysfs_root()); !per_chip.empty()) {
        return per_chip;
      }
      if (abi_ == Abi::Chip) {
        throw Error(class_dir_.string(), "has no chipN directories", ENOENT,
                    "--sysfs-abi chip asks for the per-chip sysfs ABI of Linux 6.17+, which this "
                    "kernel does not have; use --sysfs-abi legacy or --backend gpiod");
      }
    }
    return discover_chips(options_.sysfs_root(), options_.dev_root());
  }

  [[nodiscard]] ExportPlan plan_export(const ResolvedLine& line) const {
    ExportPlan plan;
    const fs::path chip_dir =
        line.chip.starts_with("gpiochip")
            ? class_dir_ / ("chip" + line.chip.substr(std::string_view("gpiochip").size()))
            : fs::path{};
    if (!legacy_abi() && !chip_dir.empty() && (abi_ == Abi::Chip || path_exists(chip_dir))) {
      const auto offset = std::to_string(line.offset);
      plan.export_file = chip_dir / "export";
      plan.unexport = {chip_dir / "unexport", offset,
                       fmt::format("{} line {}", line.chip, line.offset)};
      plan.line_dir = chip_dir / ("gpio" + offset);
      plan.per_chip = true;
      return plan;
    }
    const auto number = std::to_string(line.global.value_or(0));
    plan.export_file = class_dir_ / "export";
    plan.unexport = {class_dir_ / "unexport", number, "GPIO " + number};
    plan.line_dir = class_dir_ / ("gpio" + number);
    return plan;
  }

  void fill_names_from_chardev(std::vector<SysfsChip>& chips) const {
    for (auto& chip : chips) {
      options_.wait(std::chrono::nanoseconds::zero());  // a stop request ends the scan
      if (chip.info.name.empty()) {
        continue;
      }
      try {
        ChipInfo described = read_chardev_chip(options_.dev_root() / chip.info.name);
        if (described.ngpio == chip.info.ngpio) {
          chip.info.lines = std::move(described.lines);
        }
      } catch (const Error&) {
        chip.info.lines.clear();  // names unknown; numbers and CHIP:OFFSET still work
      }
    }
  }

  // `gpiochipN` names the character device; when no chip has that name but the sysfs
  // directory gpiochipN exists (N is then the base), the user meant that directory.
  void name_chip_by_sysfs_dir(const ChipOffset& address, const std::vector<SysfsChip>& chips,
                              std::vector<ChipInfo>& infos) const {
    const std::string_view wanted = address.chip;
    if (wanted.starts_with("/dev/") ||
        std::any_of(infos.begin(), infos.end(),
                    [&](const ChipInfo& info) { return info.name == wanted; })) {
      return;
    }
    for (std::size_t i = 0; i < chips.size(); ++i) {
      if (chips[i].sysfs_name == wanted && chips[i].info.base) {
        options_.log(LogLevel::Notice,
                     fmt::format("'{}' is not a character device here; taking the sysfs chip "
                                 "{} (base {})",
                                 wanted, chips[i].dir.string(), *chips[i].info.base));
        infos[i].name = chips[i].sysfs_name;
        return;
      }
    }
  }

  BackendOptions options_;
  fs::path class_dir_;
  Abi abi_;
};

std::string sysfs_unusable_reason(const BackendOptions& options) {
  const fs::path class_dir = options.sysfs_root() / "class" / "gpio";
  const Abi abi = abi_of(options);
  try {
    const bool legacy = abi != Abi::Chip && path_exists(class_dir / "export");
    if (legacy || (abi != Abi::Legacy && !discover_per_chip_abi(options.sysfs_root()).empty())) {
      return {};
    }
  } catch (const Error& error) {
    return error.what();
  }
  switch (abi) {
    case Abi::Legacy:
      return fmt::format("{} does not exist (--sysfs-abi legacy)", (class_dir / "export").string());
    case Abi::Chip:
      return fmt::format("{} has no chipN directories (--sysfs-abi chip)", class_dir.string());
    case Abi::Auto:
      break;
  }
  return fmt::format("{} does not exist", (class_dir / "export").string());
}

}  // namespace
}  // namespace hal::sysfs

namespace hal::registry {

const BackendDescriptor& sysfs() {
  static const BackendDescriptor descriptor{
      "sysfs",
      "the /sys/class/gpio interface: legacy export by number, or per chip (Linux 6.17+)",
      sysfs::kSettings,
      10,
      sysfs::sysfs_unusable_reason,
      [](const BackendOptions& options) -> std::unique_ptr<Backend> {
        return std::make_unique<sysfs::SysfsBackend>(options);
      }};
  return descriptor;
}

}  // namespace hal::registry
