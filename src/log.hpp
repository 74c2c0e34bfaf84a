// SPDX-License-Identifier: MIT
// One line per event on stderr. Under systemd (stderr is the journal stream) each line
// starts with a <N> syslog priority instead of a timestamp, since journald stamps and
// filters by priority itself.
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "options.hpp"
#include "output.hpp"

namespace blinkd {

using hal::LogLevel;

enum class LogStyle : std::uint8_t { Timestamped, Journal };

// Journal when $JOURNAL_STREAM names the device:inode of `fd`, else Timestamped.
[[nodiscard]] LogStyle detect_log_style(int fd, const Environment& environment);

// A line that cannot be written at once (a full pipe, a vanished journal, a full disk)
// is dropped and counted: logging never blocks or stops the blink.
class Logger {
 public:
  Logger(int fd, LogLevel threshold, LogStyle style)
      : channel_(fd), threshold_(threshold), style_(style) {}

  [[nodiscard]] bool enabled(LogLevel level) const { return level <= threshold_; }
  void set_threshold(LogLevel threshold) { threshold_ = threshold; }

  // Writes whatever the threshold (answers to a request, such as SIGUSR1 statistics).
  // Control characters are escaped and the line is kept under PIPE_BUF, so that it is
  // written whole or not at all.
  void write(LogLevel level, std::string_view message) const;

  // Text as it is (no level, no timestamp), never blocking.
  void write_plain(std::string_view text) const {
    if (const int err = channel_.try_write(text); err != 0) {
      ++lost_lines_;
      last_error_ = err;
    }
  }

  // Lines that could not be written, and the errno of the last such failure.
  [[nodiscard]] std::uint64_t lost_lines() const { return lost_lines_; }
  [[nodiscard]] int last_error() const { return last_error_; }

  template <typename... Args>
  void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
    if (enabled(level)) {
      write(level, fmt::format(format, std::forward<Args>(args)...));
    }
  }
  template <typename... Args>
  void always(LogLevel level, fmt::format_string<Args...> format, Args&&... args) const {
    write(level, fmt::format(format, std::forward<Args>(args)...));
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
  OutputChannel channel_;
  LogLevel threshold_;
  LogStyle style_;
  mutable std::uint64_t lost_lines_ = 0;
  mutable int last_error_ = 0;
};

}  // namespace blinkd
