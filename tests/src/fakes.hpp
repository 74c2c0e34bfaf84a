// SPDX-License-Identifier: MIT
// Fakes for the daemon's unit tests: a clock that jumps to each deadline, signals at
// chosen instants, lines that record every level with its time, a notifier that records.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "blink_loop.hpp"
#include "log.hpp"
#include "support/temp_dir.hpp"

namespace fakes {

using namespace std::chrono_literals;
using blinkd::Duration;
using blinkd::EventSource;
using blinkd::Instant;
using blinkd::SignalEvents;

// Time that jumps straight to each deadline (plus an injected lateness), and signals
// that arrive at chosen instants.
class FakeEvents final : public EventSource {
 public:
  Instant now() override { return now_; }
  void wait_until(Instant deadline) override {
    ++waits;
    for (auto it = signals_.begin(); it != signals_.end(); ++it) {
      if (it->first <= deadline) {
        now_ = std::max(now_, it->first);
        deliver(it->second);
        signals_.erase(it);
        return;
      }
    }
    now_ = std::max(now_, deadline + lateness_of_wait(waits));
  }
  SignalEvents take_signals() override {
    SignalEvents events;
    events.stats = std::exchange(stats_, false);
    events.stop_signal = stop_;
    return events;
  }
  bool pause(Duration duration) override {
    if (stop_ == 0) {
      wait_until(now_ + duration);
    }
    return stop_ == 0;
  }
  [[nodiscard]] int stop_signal() const override { return stop_; }
  void signal_at(Instant at, int signal) { signals_.emplace(at, signal); }

  std::function<Duration(int)> lateness_of_wait = [](int) { return Duration::zero(); };
  int waits = 0;

 private:
  void deliver(int signal) {
    if (signal == SIGUSR1) {
      stats_ = true;
    } else {
      stop_ = signal;
    }
  }
  Instant now_ = 100s;
  std::multimap<Instant, int> signals_;
  int stop_ = 0;
  bool stats_ = false;
};

// What the lines of a RecordingBank saw; shared with the test, which keeps it after the
// bank went into a hal::Lines.
struct LineRecord {
  std::vector<bool> levels;
  std::vector<Instant> times;
  std::optional<bool> level_at_release;  // set when released: the level it was left at
};
struct BankRecord {
  std::vector<LineRecord> lines;
  std::vector<std::size_t> calls;  // lines changed by each set(): one call per instant
  int fail_at_call = -1;           // this set() throws
  std::function<void()> failure = [] {
    throw hal::Error("/sys/class/gpio/gpio7/value", "writing '1' failed", ENODEV);
  };
  bool released = false;
};

class RecordingBank final : public hal::OutputBank {
 public:
  RecordingBank(std::shared_ptr<BankRecord> record, EventSource& clock)
      : record_(std::move(record)), clock_(clock) {}
  RecordingBank(const RecordingBank&) = delete;
  RecordingBank& operator=(const RecordingBank&) = delete;
  RecordingBank(RecordingBank&&) = delete;
  RecordingBank& operator=(RecordingBank&&) = delete;
  ~RecordingBank() override { (void)release(); }

  void set(std::span<const hal::LevelChange> changes) override {
    if (record_->fail_at_call == static_cast<int>(record_->calls.size())) {
      record_->calls.push_back(0);
      record_->failure();
    }
    record_->calls.push_back(changes.size());
    for (const auto& change : changes) {
      auto& line = record_->lines.at(change.line);
      line.levels.push_back(change.on);
      line.times.push_back(clock_.now());
    }
  }
  std::vector<std::string> release() noexcept override {
    if (!record_->released) {
      record_->released = true;
      for (auto& line : record_->lines) {
        line.level_at_release = false;  // driven off, then released
      }
    }
    return {};
  }

 private:
  std::shared_ptr<BankRecord> record_;
  EventSource& clock_;
};

inline hal::Lines recording_lines(const std::shared_ptr<BankRecord>& record, std::size_t count,
                                  EventSource& clock) {
  record->lines.resize(count);
  return hal::Lines(std::make_unique<RecordingBank>(record, clock));
}

class RecordingNotifier final : public blinkd::Notifier {
 public:
  explicit RecordingNotifier(EventSource& clock) : clock_(clock) {}
  int send(std::string_view state) override {
    messages.emplace_back(clock_.now(), std::string(state));
    return 0;
  }
  std::vector<std::pair<Instant, std::string>> messages;

 private:
  EventSource& clock_;
};

// A log file the tests read back.
struct LogFile {
  test_support::TempDir dir;
  int fd = ::open((dir.path() / "log").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  LogFile() = default;
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  LogFile(LogFile&&) = delete;
  LogFile& operator=(LogFile&&) = delete;
  ~LogFile() { ::close(fd); }
  [[nodiscard]] std::string text() const { return test_support::read_file(dir.path() / "log"); }
};

}  // namespace fakes
