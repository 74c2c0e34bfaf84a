// One line per event on stderr. Under systemd (stderr is the journal stream) each line
// starts with a <N> syslog priority instead of a timestamp, since journald stamps and
// filters by priority itself.
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "options.hpp"

namespace blinkd {

using hal::LogLevel;

enum class LogStyle : std::uint8_t { Timestamped, Journal };

// Journal when $JOURNAL_STREAM names the device:inode of `fd`, else Timestamped.
[[nodiscard]] LogStyle detect_log_style(int fd, const Environment& environment);

class Logger {
 public:
  Logger(int fd, LogLevel threshold, LogStyle style)
      : fd_(fd), threshold_(threshold), style_(style) {}

  [[nodiscard]] bool enabled(LogLevel level) const { return level <= threshold_; }
  void set_threshold(LogLevel threshold) { threshold_ = threshold; }

  void write(LogLevel level, std::string_view message) const;

  template <typename... Args>
  void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
    if (enabled(level)) {
      write(level, fmt::format(format, std::forward<Args>(args)...));
    }
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::Error, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::Warning, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void notice(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::Notice, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::Info, format, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) const {
    log(LogLevel::Debug, format, std::forward<Args>(args)...);
  }

  // For the HAL's LogSink.
  [[nodiscard]] hal::LogSink sink() const {
    return [this](LogLevel level, std::string_view message) {
      if (enabled(level)) {
        write(level, message);
      }
    };
  }

 private:
  int fd_;
  LogLevel threshold_;
  LogStyle style_;
};

}  // namespace blinkd
