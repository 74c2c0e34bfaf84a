// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include "log.hpp"
#include "support/temp_dir.hpp"

using blinkd::detect_log_style;
using blinkd::Logger;
using blinkd::LogLevel;
using blinkd::LogStyle;

namespace {

struct LogFile {
  test_support::TempDir dir;
  int fd = ::open((dir.path() / "log").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  LogFile(LogFile&&) = delete;
  LogFile& operator=(LogFile&&) = delete;
  LogFile() = default;
  ~LogFile() { ::close(fd); }
  std::string text() const { return test_support::read_file(dir.path() / "log"); }
  std::string journal_stream() const {
    struct stat info {};
    ::fstat(fd, &info);
    return std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  }
};

}  // namespace

TEST_CASE("stderr is the journal only when JOURNAL_STREAM names its device and inode") {
  LogFile file;
  CHECK(detect_log_style(file.fd, {}) == LogStyle::Timestamped);
  CHECK(detect_log_style(file.fd, {{"JOURNAL_STREAM", file.journal_stream()}}) ==
        LogStyle::Journal);
  CHECK(detect_log_style(file.fd, {{"JOURNAL_STREAM", "1:2"}}) == LogStyle::Timestamped);
  CHECK(detect_log_style(file.fd, {{"JOURNAL_STREAM", "garbage"}}) == LogStyle::Timestamped);
}

TEST_CASE("journal lines carry a syslog priority prefix and no timestamp") {
  LogFile file;
  Logger logger(file.fd, LogLevel::Debug, LogStyle::Journal);
  logger.error("chip {} gone", "gpiochip0");
  logger.warning("w");
  logger.notice("n");
  logger.info("i");
  logger.debug("d");
  CHECK(file.text() == "<3>chip gpiochip0 gone\n<4>w\n<5>n\n<6>i\n<7>d\n");
}

TEST_CASE("terminal lines carry a timestamp and the level - the threshold filters") {
  LogFile file;
  Logger logger(file.fd, LogLevel::Warning, LogStyle::Timestamped);
  logger.info("hidden");
  logger.warning("shown {}", 1);
  CHECK_FALSE(logger.enabled(LogLevel::Info));
  const std::regex line(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} warning shown 1\n)");
  CHECK(std::regex_match(file.text(), line));
}
