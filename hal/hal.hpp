// SPDX-License-Identifier: MIT
// The hardware abstraction layer: what a GPIO output line can do and what a backend
// can do. The daemon depends on this header (and registry.hpp) alone; a backend is a
// folder under hal/ that implements it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <variant>
#include <vector>

#include "hal/settings.hpp"

namespace hal {

// ---------------------------------------------------------------------------------
// Addressing: a line as the user wrote it, parsed but not yet resolved on any chip.

// A number in the kernel's global GPIO numberspace (what sysfs `export` takes).
struct GlobalNumber {
  unsigned value = 0;
  bool operator==(const GlobalNumber&) const = default;
};

// CHIP:OFFSET, the chip given as `gpiochipN`, `/dev/gpiochipN` or the chip's label.
struct ChipOffset {
  std::string chip;
  unsigned offset = 0;
  bool operator==(const ChipOffset&) const = default;
};

// A line name from the device tree or the driver (`GPIO17`, `LED0`), searched across
// every chip.
struct LineName {
  std::string name;
  bool operator==(const LineName&) const = default;
};

struct LineSpec {
  std::variant<GlobalNumber, ChipOffset, LineName> address;
  std::string text;  // as the user wrote it, for messages
  bool operator==(const LineSpec&) const = default;
};

// ---------------------------------------------------------------------------------
// What a line can be asked to be.

enum class Drive : std::uint8_t { PushPull, OpenDrain, OpenSource };
enum class Bias : std::uint8_t { AsIs, Disabled, PullUp, PullDown };

// What becomes of a line when it is released (the daemon stops, however it stops).
// It is always driven to its safe level (logically off) first.
enum class OnExit : std::uint8_t {
  Default,  // the backend's choice: sysfs keeps, gpiod parks (releases where the kernel
            // keeps released outputs driven), sim releases
  Keep,     // stays an output at its off level (sysfs: the export stays for a restart)
  Park,     // becomes an input pulled toward its off level (down; up when active-low),
            // which keeps an LED off on chips that honour the bias after release
  Release,  // handed back as it is (sysfs: unexported)
};

struct LineSettings {
  // The line is active (logically on) when its physical level is low. The backend
  // inverts, never the caller: on always means "on".
  bool active_low = false;
  Drive drive = Drive::PushPull;
  Bias bias = Bias::AsIs;
  OnExit on_exit = OnExit::Default;
  bool operator==(const LineSettings&) const = default;
};

// ---------------------------------------------------------------------------------
// What the hardware looks like.

struct LineInfo {
  unsigned offset = 0;
  std::string name;      // empty when the line is unnamed
  std::string consumer;  // empty when free or unknown
  bool used = false;
  bool output = false;  // direction, when known
  bool active_low = false;
};

struct ChipInfo {
  std::string name;   // `gpiochipN`, the character device's name; empty when unknown
  std::string label;  // the driver's label, e.g. `pinctrl-bcm2711`
  unsigned ngpio = 0;
  std::optional<unsigned> base;  // first global (sysfs) number, when the kernel has one
  std::vector<LineInfo> lines;   // may be empty when the backend cannot list lines
};

// A spec resolved to one physical line, for messages, for detecting the same line
// given twice under two names, and for opening it without looking again.
struct ResolvedLine {
  std::string chip;   // `gpiochipN`, or empty when unknown
  std::string label;  // chip label
  unsigned offset = 0;
  std::optional<unsigned> global;  // global number, when the kernel has one
  std::string name;                // line name, when the line has one
  std::filesystem::path device;    // the character device to open, when the backend uses one

  // "gpiochip0 [pinctrl-bcm2711] offset 17 (GPIO17, global 529)"
  [[nodiscard]] std::string describe() const;
  // The same physical line, whatever spec led to it.
  [[nodiscard]] bool same_line(const ResolvedLine& other) const;
};

// ---------------------------------------------------------------------------------
// Failures: one line for the user, naming what failed, why, and what to do. The errno
// travels as a std::error_code; the text is ours.

class Error : public std::system_error {
 public:
  // subject: the path, chip or line that failed ("/sys/class/gpio/export", "GPIO 529")
  // problem: what went wrong ("write failed", "busy")
  // errnum: the errno, or 0 when not a system call failure
  // hint: what the user can do about it; may be empty
  Error(std::string subject, std::string problem, int errnum = 0, std::string hint = {});

  [[nodiscard]] const char* what() const noexcept override { return text_.c_str(); }
  [[nodiscard]] const std::string& subject() const noexcept { return subject_; }
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
  [[nodiscard]] int errnum() const noexcept { return code().value(); }
  [[nodiscard]] const std::string& hint() const noexcept { return hint_; }

 private:
  std::string subject_;
  std::string problem_;
  std::string hint_;
  std::string text_;
};

// Thrown by a backend that was waiting or scanning when the process was asked to stop
// (BackendOptions::pause said so). Not a failure: the caller stops as it was asked.
class Interrupted : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override {
    return "interrupted by a stop request";
  }
};

// ---------------------------------------------------------------------------------
// The promises.

// A level for one line of a Lines set, by its index there.
struct LevelChange {
  std::size_t line = 0;
  bool on = false;
};

// What a backend holds for the daemon: every line it opened, grouped as the hardware
// allows (one request per chip on the character device). Implementations drive every
// line still held to its safe level, apply its on-exit policy and release it in
// release(), which their destructor calls too.
class OutputBank {
 public:
  OutputBank() = default;
  OutputBank(const OutputBank&) = delete;
  OutputBank& operator=(const OutputBank&) = delete;
  OutputBank(OutputBank&&) = delete;
  OutputBank& operator=(OutputBank&&) = delete;
  virtual ~OutputBank() = default;

  // Drive the lines to their logical levels at one instant: one call per chip where the
  // interface allows it. Throws hal::Error naming the lines that failed; those are not
  // driven again.
  virtual void set(std::span<const LevelChange> changes) = 0;
  // Safe level, on-exit policy, release, for every line still held. Never throws;
  // idempotent. Returns one message per line that did not reach its safe level.
  virtual std::vector<std::string> release() noexcept = 0;
};

// The lines the daemon holds. Whatever ends their owner (a return, any exception),
// every line is driven to its safe level and released: by ownership, not by a catch.
class Lines {
 public:
  Lines() = default;
  explicit Lines(std::unique_ptr<OutputBank> bank) : bank_(std::move(bank)) {}
  Lines(const Lines&) = delete;
  Lines& operator=(const Lines&) = delete;
  Lines(Lines&& other) noexcept = default;
  Lines& operator=(Lines&& other) noexcept {
    if (this != &other) {
      (void)release();
      bank_ = std::move(other.bank_);
    }
    return *this;
  }
  ~Lines() { (void)release(); }

  // Throws hal::Error; precondition: held().
  void set(std::span<const LevelChange> changes) { bank_->set(changes); }
  void set(std::size_t line, bool on) {
    const LevelChange change{line, on};
    set(std::span(&change, 1));
  }
  // Safe level, on-exit policy and release now; the messages of lines that did not
  // reach their safe level (empty when all did).
  std::vector<std::string> release() noexcept {
    std::vector<std::string> failures;
    if (bank_) {
      failures = bank_->release();
      bank_.reset();
    }
    return failures;
  }
  [[nodiscard]] bool held() const { return bank_ != nullptr; }

 private:
  std::unique_ptr<OutputBank> bank_;
};

enum class LogLevel : std::uint8_t { Error, Warning, Notice, Info, Debug };
using LogSink = std::function<void(LogLevel, std::string_view)>;

// Sleeps for up to the duration; returns false when the process was asked to stop
// meanwhile (or before), true otherwise.
using Pause = std::function<bool(std::chrono::nanoseconds)>;

// Everything a backend may need from its environment. Backends ignore what does not
// concern them.
struct BackendOptions {
  // The values of the settings the HAL core and the backends declare (settings.hpp);
  // what is not set has its declared default.
  Settings settings;
  std::string consumer = "gpio-blinkd";
  // Where backends that show levels themselves (sim) write them.
  int display_fd = 1;
  LogSink log = [](LogLevel, std::string_view) {};
  // Every wait (udev, a fresh export) and every chip scan goes through here, so a stop
  // request ends setup promptly: the backend then throws Interrupted.
  Pause pause = [](std::chrono::nanoseconds duration) {
    std::this_thread::sleep_for(duration);
    return true;
  };

  [[nodiscard]] std::filesystem::path sysfs_root() const {
    return settings.text(kSysfsRootSetting);
  }
  [[nodiscard]] std::filesystem::path dev_root() const { return settings.text(kDevRootSetting); }
  // pause(duration), throwing Interrupted when a stop was asked for.
  void wait(std::chrono::nanoseconds duration) const {
    if (!pause(duration)) {
      throw Interrupted();
    }
  }
};

// One line to open: where it is (from resolve), how, and its name for messages.
struct LineRequest {
  ResolvedLine line;
  LineSettings settings;
  std::string name;  // as the user wrote it
};

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  Backend(Backend&&) = delete;
  Backend& operator=(Backend&&) = delete;
  virtual ~Backend() = default;

  [[nodiscard]] virtual std::string_view name() const = 0;

  // Phase 1: which physical line each spec names, from one look at the chips, without
  // requesting anything. Two specs naming one line are refused. Throws hal::Error
  // naming the spec.
  [[nodiscard]] std::vector<ResolvedLine> resolve(std::span<const LineSpec> specs);
  [[nodiscard]] ResolvedLine resolve(const LineSpec& spec) {
    return resolve(std::span(&spec, 1)).front();
  }

  // Phase 2: request the resolved lines as outputs, each at its safe level (off) from
  // the first instant, with no glitch through the other level. Throws hal::Error naming
  // the line; the lines opened before it are released (safe level first).
  [[nodiscard]] virtual Lines open(std::span<const LineRequest> requests) = 0;

  // The chips and lines this backend can see. Throws hal::Error.
  [[nodiscard]] virtual std::vector<ChipInfo> list_chips() = 0;

 protected:
  [[nodiscard]] virtual std::vector<ResolvedLine> resolve_lines(
      std::span<const LineSpec> specs) = 0;
};

// Resolve and open in one step (tools and tests): every spec with the same settings.
[[nodiscard]] Lines open_lines(Backend& backend, std::span<const LineSpec> specs,
                               const LineSettings& settings);

// ---------------------------------------------------------------------------------
// Line specs.

// Parse `136`, `gpiochip0:17`, `/dev/gpiochip0:17`, `pinctrl-bcm2711:17` or `GPIO17`.
// Throws std::invalid_argument with a message naming the input.
[[nodiscard]] LineSpec parse_line_spec(std::string_view text);

// Resolve a spec against a set of chips (shared by backends that can list chips).
// Throws hal::Error naming the spec and, where useful, the candidates.
[[nodiscard]] ResolvedLine resolve_on_chips(const LineSpec& spec,
                                            const std::vector<ChipInfo>& chips);

// "gpiochip0 [pinctrl-bcm2711] base 512, 58 lines; gpiochip1 [...] ..." for hints.
[[nodiscard]] std::string describe_chips(const std::vector<ChipInfo>& chips);

}  // namespace hal
