// SPDX-License-Identifier: MIT
#include "log.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <ctime>

#include "hal/text.hpp"

namespace blinkd {
namespace {

constexpr std::array<std::string_view, 5> kNames{"error", "warning", "notice", "info", "debug"};
// syslog priorities: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG
constexpr std::array<int, 5> kPriorities{3, 4, 5, 6, 7};

std::size_t index_of(LogLevel level) {
  return static_cast<std::size_t>(level);
}

std::string timestamp() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::tm local{};
  localtime_r(&now.tv_sec, &local);
  std::array<char, 32> text{};
  const std::size_t size = std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S", &local);
  return fmt::format("{}.{:03}", std::string_view(text.data(), size), now.tv_nsec / 1'000'000);
}

}  // namespace

LogStyle detect_log_style(int fd, const Environment& environment) {
  auto found = environment.find("JOURNAL_STREAM");
  if (found == environment.end()) {
    return LogStyle::Timestamped;
  }
  const std::string& value = found->second;
  const auto colon = value.find(':');
  if (colon == std::string::npos) {
    return LogStyle::Timestamped;
  }
  unsigned long long device = 0;
  unsigned long long inode = 0;
  auto parse = [](std::string_view text, unsigned long long& out) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
  };
  struct stat info {};
  if (!parse(std::string_view(value).substr(0, colon), device) ||
      !parse(std::string_view(value).substr(colon + 1), inode) || ::fstat(fd, &info) != 0) {
    return LogStyle::Timestamped;
  }
  return info.st_dev == device && info.st_ino == inode ? LogStyle::Journal : LogStyle::Timestamped;
}

void Logger::write(LogLevel level, std::string_view message) const {
  // Messages hold text from outside (specs, kernel names, clients): nothing in them may
  // drive a terminal, and the line stays below PIPE_BUF (4096) to be written atomically.
  constexpr std::size_t kMessageLimit = 3800;
  const std::string safe = hal::printable(message, kMessageLimit);
  std::string line;
  if (style_ == LogStyle::Journal) {
    line = fmt::format("<{}>{}\n", kPriorities[index_of(level)], safe);
  } else {
    line = fmt::format("{} {:<7} {}\n", timestamp(), kNames[index_of(level)], safe);
  }
  if (const int err = channel_.try_write(line); err != 0) {
    ++lost_lines_;
    last_error_ = err;
  }
}

}  // namespace blinkd
