// SPDX-License-Identifier: MIT
#include "hal/sysfs/sysfs_line.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "hal/chardev.hpp"
#include "hal/sysfs_chips.hpp"

namespace hal::sysfs {
namespace {

constexpr auto kPollStep = std::chrono::milliseconds(5);

void unexport_now(const Unexport& unexport, const LogSink& log) {
  if (const int err = try_write_attribute(unexport.file, unexport.token); err != 0) {
    log(LogLevel::Warning, fmt::format("{}: unexport of {} failed: {}", unexport.file.string(),
                                       unexport.line, std::strerror(err)));
  } else {
    log(LogLevel::Info, fmt::format("unexported {}", unexport.line));
  }
}

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

}  // namespace

void SysfsBank::set(std::span<const LevelChange> changes) {
  for (const auto& change : changes) {
    lines_[change.line]->set(change.on);
  }
}

std::vector<std::string> SysfsBank::release() noexcept {
  std::vector<std::string> failures;
  for (auto& line : lines_) {
    if (auto failure = line->release(log_)) {
      try {
        failures.push_back(std::move(*failure));
      } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory while reporting
      }
    }
  }
  return failures;
}

bool export_line(const ResolvedLine& resolved, const ExportPlan& plan,
                 const BackendOptions& options) {
  if (!path_exists(plan.export_file)) {
    throw Error(plan.export_file.string(), "is missing", ENOENT,
                "this kernel offers neither the legacy sysfs export nor the per-chip one "
                "(Linux 6.17+); use --backend gpiod");
  }
  const int err = try_write_attribute(plan.export_file, plan.unexport.token);
  switch (err) {
    case 0:
      options.log(LogLevel::Info, fmt::format("exported {}", plan.unexport.line));
      return true;
    case EBUSY:
      if (path_exists(plan.line_dir)) {
        options.log(LogLevel::Notice, fmt::format("{} was exported meanwhile: adopting {}",
                                                  plan.unexport.line, plan.line_dir.string()));
        return false;
      }
      throw Error(plan.unexport.line,
                  fmt::format("cannot be exported: {} is busy",
                              resolved.chip.empty() ? "the line" : resolved.describe()),
                  EBUSY, busy_hint(resolved, options.dev_root()));
    case EINVAL:
      if (plan.per_chip) {
        throw Error(plan.export_file.string(),
                    fmt::format("the kernel rejected offset {}", plan.unexport.token), EINVAL,
                    "the line is masked or does not exist on this chip");
      }
      throw Error(plan.export_file.string(),
                  fmt::format("the kernel rejected GPIO {}", plan.unexport.token), EINVAL,
                  invalid_number_hint(
                      *resolved.global,
                      chip_infos(discover_chips(options.sysfs_root(), options.dev_root()))));
    default:
      throw Error(plan.export_file.string(),
                  fmt::format("writing '{}' failed", plan.unexport.token), err, access_hint(err));
  }
}

SysfsLine::SysfsLine(std::string name, fs::path value_path, UniqueFd value_fd, UniqueFd claim,
                     Unexport unexport, bool invert, bool unexport_at_exit)
    : name_(std::move(name)),
      value_path_(std::move(value_path)),
      value_fd_(std::move(value_fd)),
      claim_(std::move(claim)),
      unexport_(std::move(unexport)),
      invert_(invert),
      unexport_at_exit_(unexport_at_exit) {}

void SysfsLine::set(bool on) {
  const char level = (on != invert_) ? '1' : '0';
  const ssize_t written = retry_eintr([&] { return ::pwrite(value_fd_.get(), &level, 1, 0); });
  if (written != 1) {
    const int err = written < 0 ? errno : EIO;
    broken_ = true;
    throw Error(value_path_.string(), fmt::format("writing '{}' failed", level), err,
                err == ENODEV || err == ENXIO
                    ? "the GPIO chip went away (driver unbound or device removed)"
                    : std::string());
  }
}

std::optional<std::string> SysfsLine::release(const LogSink& log) noexcept {
  if (!value_fd_.valid()) {
    return std::nullopt;  // released already
  }
  std::optional<std::string> failure;
  try {
    if (broken_) {
      failure = fmt::format("line '{}': not driven to the safe level: {} failed before", name_,
                            value_path_.string());
    } else {
      set(false);
    }
  } catch (const Error& error) {
    failure = fmt::format("line '{}': could not drive to the safe level: {}", name_, error.what());
  }
  value_fd_.reset();
  claim_.reset();
  try {
    if (unexport_at_exit_) {
      unexport_now(unexport_, log);
    }
    if (!failure) {
      log(LogLevel::Info,
          fmt::format("line '{}': off, {}", name_,
                      unexport_at_exit_ ? "unexported" : "export kept for a restart to adopt"));
    }
  } catch (...) {  // NOLINT(bugprone-empty-catch): out of memory while reporting
  }
  return failure;
}

ExportGuard::~ExportGuard() {
  if (armed_) {
    (void)try_write_attribute(unexport_.file, unexport_.token);
  }
}

UniqueFd claim_export(const fs::path& line_dir, const std::string& line) {
  UniqueFd dir(::open(line_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) {
    const int err = errno;
    throw Error(line_dir.string(), "cannot be opened", err, access_hint(err));
  }
  const int locked = retry_eintr([&] { return ::flock(dir.get(), LOCK_EX | LOCK_NB); });
  if (locked != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) {
      throw Error(line, "is already driven by another gpio-blinkd", EBUSY,
                  "stop that instance first; two blinkers on one line fight");
    }
    throw Error(line_dir.string(), "cannot be locked", err);
  }
  return dir;
}

void wait_for_directory(const fs::path& line_dir, Clock::time_point deadline, const Pause& pause) {
  while (!path_exists(line_dir)) {
    if (Clock::now() >= deadline) {
      throw Error(line_dir.string(), "did not appear after a successful export", ENOENT,
                  "kernels before 4.x named it after the line; this one is not supported");
    }
    if (!pause(kPollStep)) {
      throw Interrupted();
    }
  }
}

void write_setting(const fs::path& file, std::string_view value, Clock::time_point deadline,
                   const Pause& pause) {
  UniqueFd fd = open_writable_by(file, deadline, pause);
  const ssize_t written =
      hal::retry_eintr([&] { return ::write(fd.get(), value.data(), value.size()); });
  if (written != static_cast<ssize_t>(value.size())) {
    const int err = written < 0 ? errno : EIO;
    throw Error(file.string(), fmt::format("writing '{}' failed", value), err, access_hint(err));
  }
}

void clear_edge(const fs::path& line_dir, const LogSink& log) {
  const fs::path edge = line_dir / "edge";
  if (!path_exists(edge)) {
    return;
  }
  if (std::string current = read_attribute(edge); current != "none") {
    log(LogLevel::Notice, fmt::format("{}: was '{}', setting 'none'", edge.string(), current));
    write_attribute(edge, "none");
  }
}

void set_direction(const fs::path& line_dir, bool physical_high, std::string_view value_text,
                   Clock::time_point deadline, const BackendOptions& options) {
  const fs::path direction = line_dir / "direction";
  if (!path_exists(direction)) {
    options.log(LogLevel::Warning,
                fmt::format("{} is missing: the driver does not let the direction change; "
                            "driving the value only",
                            direction.string()));
    write_setting(line_dir / "value", value_text, deadline, options.pause);
    return;
  }
  const char* wanted = physical_high ? "high" : "low";
  write_setting(direction, wanted, deadline, options.pause);
  if (std::string now = read_attribute(direction); now != "out") {
    throw Error(direction.string(), fmt::format("holds '{}' after writing '{}'", now, wanted), 0,
                "expected 'out'; the line may be input-only");
  }
}

}  // namespace hal::sysfs
