// SPDX-License-Identifier: MIT
// Lines exported through sysfs (each one, and the bank of them the backend returns), and
// the setup steps both sysfs ABIs share, the export first: the legacy ABI
// (/sys/class/gpio/export by global number, gpioN with active_low) and the per-chip one
// of Linux 6.17 (/sys/class/gpio/chipX/export by offset, chipX/gpioY with direction and
// value only).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hal/hal.hpp"
#include "hal/posix_file.hpp"
#include "hal/sysfs_attributes.hpp"

namespace hal::sysfs {

// How an export is undone: the unexport file and what to write to it.
struct Unexport {
  fs::path file;
  std::string token;  // the global number (legacy) or the offset (per chip)
  std::string line;   // "GPIO 529", for messages
};

// An output line with its value file kept open: one pwrite per toggle.
class SysfsLine {
 public:
  // `invert`: active-low done here, for the per-chip ABI that has no active_low.
  // `unexport_at_exit`: OnExit::Release; otherwise the export stays for a restart.
  SysfsLine(std::string name, fs::path value_path, UniqueFd value_fd, UniqueFd claim,
            Unexport unexport, bool invert, bool unexport_at_exit);

  // Throws hal::Error naming the value file.
  void set(bool on);
  // Off (unless a write failed before), then unexported or kept. Returns the failure,
  // if the line could not be driven to its safe level. Never throws.
  [[nodiscard]] std::optional<std::string> release(const LogSink& log) noexcept;

 private:
  std::string name_;
  fs::path value_path_;
  UniqueFd value_fd_;
  UniqueFd claim_;  // see claim_export()
  Unexport unexport_;
  bool invert_;
  bool unexport_at_exit_;
  bool broken_ = false;  // a write failed: not retried
};

// The lines the backend opened: one pwrite per change, each line off and kept or
// unexported at release.
class SysfsBank final : public OutputBank {
 public:
  explicit SysfsBank(LogSink log) : log_(std::move(log)) {}
  SysfsBank(const SysfsBank&) = delete;
  SysfsBank& operator=(const SysfsBank&) = delete;
  SysfsBank(SysfsBank&&) = delete;
  SysfsBank& operator=(SysfsBank&&) = delete;
  ~SysfsBank() override { (void)release(); }

  void add(std::unique_ptr<SysfsLine> line) { lines_.push_back(std::move(line)); }
  void set(std::span<const LevelChange> changes) override;
  std::vector<std::string> release() noexcept override;

 private:
  std::vector<std::unique_ptr<SysfsLine>> lines_;
  LogSink log_;
};

// Where a line's export lives and how it is made, for either ABI.
struct ExportPlan {
  fs::path export_file;
  Unexport unexport;  // file, token and the line's name for messages
  fs::path line_dir;  // gpioN (legacy) or chipX/gpioY (per chip)
  bool per_chip = false;
};

// Writes the line's token to the plan's export file. Returns true when this call
// exported the line, false when it adopted an export that appeared meanwhile. Throws
// hal::Error with the likely cause (busy, an invalid number, permissions) otherwise.
[[nodiscard]] bool export_line(const ResolvedLine& resolved, const ExportPlan& plan,
                               const BackendOptions& options);

// Unexports a line this process exported if setting it up fails later, so a failed
// start leaves the system as it found it.
class ExportGuard {
 public:
  explicit ExportGuard(Unexport unexport) : unexport_(std::move(unexport)) {}
  ExportGuard(const ExportGuard&) = delete;
  ExportGuard& operator=(const ExportGuard&) = delete;
  ExportGuard(ExportGuard&&) = delete;
  ExportGuard& operator=(ExportGuard&&) = delete;
  ~ExportGuard();
  void arm() { armed_ = true; }
  void release() { armed_ = false; }

 private:
  Unexport unexport_;
  bool armed_ = false;
};

// An export is shared by every process, so adopting one must not mean fighting over
// it: an advisory lock on the line's directory marks it driven. The kernel drops the
// lock with the process, however it dies, so a restart still adopts the export.
// Throws hal::Error (EBUSY) when another process holds it.
[[nodiscard]] UniqueFd claim_export(const fs::path& line_dir, const std::string& line);

// Waits (bounded, through `pause`) for a fresh export's directory. Throws hal::Error
// naming it, or Interrupted.
void wait_for_directory(const fs::path& line_dir, Clock::time_point deadline, const Pause& pause);

// Opens (waiting for udev), writes `value` in one write(2). Throws hal::Error.
void write_setting(const fs::path& file, std::string_view value, Clock::time_point deadline,
                   const Pause& pause);

// A line adopted with edge detection on cannot become an output (the kernel answers
// EIO), so an inherited edge setting is cleared first.
void clear_edge(const fs::path& line_dir, const LogSink& log);

// "high"/"low" set the direction and the physical level in one step: no glitch. Where
// the driver fixes the direction (no direction attribute), `value_text` is written to
// the value instead. Reads the direction back. Throws hal::Error.
void set_direction(const fs::path& line_dir, bool physical_high, std::string_view value_text,
                   Clock::time_point deadline, const BackendOptions& options);

}  // namespace hal::sysfs
