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
#include <stdexcept>
#include <string>
#include <string_view>
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

struct LineSettings {
  // The line is active (logically on) when its physical level is low. The backend
  // inverts, never the caller: set(true) always means "on".
  bool active_low = false;
  Drive drive = Drive::PushPull;
  Bias bias = Bias::AsIs;
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

// A spec resolved to one physical line, for messages and for detecting the same line
// given twice under two names.
struct ResolvedLine {
  std::string chip;   // `gpiochipN`, or empty when unknown
  std::string label;  // chip label
  unsigned offset = 0;
  std::optional<unsigned> global;  // global number, when the kernel has one
  std::string name;                // line name, when the line has one

  // "gpiochip0 [pinctrl-bcm2711] offset 17 (GPIO17, global 529)"
  [[nodiscard]] std::string describe() const;
  // The same physical line, whatever spec led to it.
  [[nodiscard]] bool same_line(const ResolvedLine& other) const;
};

// ---------------------------------------------------------------------------------
// Failures: one line for the user, naming what failed, why, and what to do.

class Error : public std::runtime_error {
 public:
  // subject: the path, chip or line that failed ("/sys/class/gpio/export", "GPIO 529")
  // problem: what went wrong ("write failed", "busy")
  // errnum: the errno, or 0 when not a system call failure
  // hint: what the user can do about it; may be empty
  Error(std::string subject, std::string problem, int errnum = 0, std::string hint = {});

  [[nodiscard]] const std::string& subject() const noexcept { return subject_; }
  [[nodiscard]] const std::string& problem() const noexcept { return problem_; }
  [[nodiscard]] int errnum() const noexcept { return errnum_; }
  [[nodiscard]] const std::string& hint() const noexcept { return hint_; }

 private:
  std::string subject_;
  std::string problem_;
  int errnum_;
  std::string hint_;
};

// ---------------------------------------------------------------------------------
// The promises.

// An output line held by this process. Destroying the object releases the line.
class OutputLine {
 public:
  OutputLine() = default;
  OutputLine(const OutputLine&) = delete;
  OutputLine& operator=(const OutputLine&) = delete;
  OutputLine(OutputLine&&) = delete;
  OutputLine& operator=(OutputLine&&) = delete;
  virtual ~OutputLine() = default;

  // Drive the line to its logical level (true = on). Throws hal::Error.
  virtual void set(bool on) = 0;
  [[nodiscard]] virtual const ResolvedLine& resolved() const = 0;
};

enum class LogLevel : std::uint8_t { Error, Warning, Notice, Info, Debug };
using LogSink = std::function<void(LogLevel, std::string_view)>;

// Thrown by a backend that was waiting or scanning when the process was asked to stop
// (BackendOptions::pause said so). Not a failure: the caller stops as it was asked.
class Interrupted : public std::exception {
 public:
  [[nodiscard]] const char* what() const noexcept override {
    return "interrupted by a stop request";
  }
};

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

class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  Backend(Backend&&) = delete;
  Backend& operator=(Backend&&) = delete;
  virtual ~Backend() = default;

  [[nodiscard]] virtual std::string_view name() const = 0;

  // Which physical line a spec names, without requesting it. Throws hal::Error.
  [[nodiscard]] virtual ResolvedLine resolve(const LineSpec& spec) = 0;

  // Request the line as an output, driven to `initial_on` (logical) from the first
  // instant, with no glitch through the other level. Throws hal::Error.
  [[nodiscard]] virtual std::unique_ptr<OutputLine> open_output(const LineSpec& spec,
                                                                const LineSettings& settings,
                                                                bool initial_on) = 0;

  // The chips and lines this backend can see. Throws hal::Error.
  [[nodiscard]] virtual std::vector<ChipInfo> list_chips() = 0;
};

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
