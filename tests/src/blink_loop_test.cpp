#include <doctest/doctest.h>

#include <csignal>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "blink_loop.hpp"
#include "support/printers.hpp"
#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

using namespace std::chrono_literals;
using namespace blinkd;

namespace {

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
        pending_ = it->second;
        signals_.erase(it);
        return;
      }
    }
    now_ = std::max(now_, deadline + lateness_of_wait(waits));
  }
  SignalEvents take_signals() override {
    SignalEvents events;
    if (pending_ == SIGUSR1) {
      events.stats = true;
    } else {
      events.stop_signal = pending_;
    }
    pending_ = 0;
    return events;
  }
  void signal_at(Instant at, int signal) { signals_.emplace(at, signal); }

  std::function<Duration(int)> lateness_of_wait = [](int) { return Duration::zero(); };
  int waits = 0;

 private:
  Instant now_ = 100s;
  std::multimap<Instant, int> signals_;
  int pending_ = 0;
};

class RecordingLine final : public hal::OutputLine {
 public:
  explicit RecordingLine(EventSource& clock) : clock_(clock) {}
  void set(bool on) override {
    if (fail_at_set == static_cast<int>(levels.size())) {
      throw hal::Error("/sys/class/gpio/gpio7/value", "writing '1' failed", ENODEV);
    }
    levels.push_back(on);
    times.push_back(clock_.now());
  }
  [[nodiscard]] const hal::ResolvedLine& resolved() const override { return resolved_; }

  std::vector<bool> levels;
  std::vector<Instant> times;
  int fail_at_set = -1;

 private:
  EventSource& clock_;
  hal::ResolvedLine resolved_;
};

class RecordingNotifier final : public Notifier {
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

struct Harness {
  FakeEvents events;
  RecordingNotifier notifier{events};
  test_support::TempDir dir;
  int log_fd = ::open((dir.path() / "log").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  Logger logger{log_fd, LogLevel::Debug, LogStyle::Timestamped};
  Instant start = events.now();
  ~Harness() { ::close(log_fd); }
  std::string log() const { return test_support::read_file(dir.path() / "log"); }
};

}  // namespace

TEST_CASE("--count N drives exactly N on-edges per line on the period grid then stops") {
  Harness h;
  RecordingLine line(h.events);
  std::vector<LoopLine> lines{{&line, LineSchedule({100ms, 400ms, 0ms}, h.start, 3), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  const auto result = loop.run();
  CHECK(result.reason == StopReason::CountDone);
  CHECK(line.levels == std::vector<bool>{true, false, true, false, true, false});
  const std::vector<Instant> expected{h.start,         h.start + 100ms,  h.start + 500ms,
                                      h.start + 600ms, h.start + 1000ms, h.start + 1100ms};
  CHECK(line.times == expected);
  CHECK(loop.stats().toggles == 6);
  CHECK(loop.stats().overruns == 0);
}

TEST_CASE("a stop signal ends the loop at once and no edge is driven after it") {
  Harness h;
  RecordingLine line(h.events);
  h.events.signal_at(h.start + 1250ms, SIGTERM);
  std::vector<LoopLine> lines{
      {&line, LineSchedule({500ms, 500ms, 0ms}, h.start, std::nullopt), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  const auto result = loop.run();
  CHECK(result.reason == StopReason::Signal);
  CHECK(result.signal == SIGTERM);
  CHECK(line.levels == std::vector<bool>{true, false, true});
  CHECK(line.times.back() == h.start + 1s);
}

TEST_CASE("late wake-ups are measured and counted without moving later edges") {
  Harness h;
  RecordingLine line(h.events);
  // The second wait wakes 30ms late; the fourth sleeps through a whole edge.
  h.events.lateness_of_wait = [](int wait) {
    return wait == 2 ? Duration(30ms) : wait == 4 ? Duration(620ms) : Duration::zero();
  };
  std::vector<LoopLine> lines{{&line, LineSchedule({500ms, 500ms, 0ms}, h.start, 4), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  (void)loop.run();
  // t=0 on, 530 off (late), 1000 on; the wait for off@1500 wakes at 2120, when on@2000 is
  // due too: the line has been on since 1000, so nothing is written and that blink is
  // lost (an "on" over an "on" is no blink). Then 2500 off, 3000 on, 3500 off, 4000 on,
  // 4500 off: still 4 blinks really shown, on the same grid.
  CHECK(line.times == std::vector<Instant>{h.start, h.start + 530ms, h.start + 1000ms,
                                           h.start + 2500ms, h.start + 3000ms, h.start + 3500ms,
                                           h.start + 4000ms, h.start + 4500ms});
  CHECK(line.levels == std::vector<bool>{true, false, true, false, true, false, true, false});
  CHECK(loop.stats().overruns == 1);
  CHECK(loop.stats().lost_blinks == 1);
  CHECK(loop.stats().toggles == 8);
  CHECK(loop.stats().max_lateness == 30ms);
  CHECK(h.log().find("line 'a': woke 620ms after its edge was due and skipped 1 edge, losing 1 "
                     "blink\n") != std::string::npos);
  CHECK(loop.stats_line(h.start + 5s)
            .find("1 edge skipped and 1 blink lost (the loop woke up to "
                  "620ms late") != std::string::npos);
}

TEST_CASE("several lines with phases share one thread and keep their own grids") {
  Harness h;
  RecordingLine a(h.events);
  RecordingLine b(h.events);
  std::vector<LoopLine> lines{{&a, LineSchedule({100ms, 100ms, 0ms}, h.start, 2), "a"},
                              {&b, LineSchedule({50ms, 250ms, 75ms}, h.start, 1), "b"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  (void)loop.run();
  CHECK(a.times ==
        std::vector<Instant>{h.start, h.start + 100ms, h.start + 200ms, h.start + 300ms});
  CHECK(b.times == std::vector<Instant>{h.start + 75ms, h.start + 125ms});
  CHECK(b.levels == std::vector<bool>{true, false});
}

TEST_CASE("the watchdog is pinged from the loop at its interval between edges") {
  Harness h;
  RecordingLine line(h.events);
  std::vector<LoopLine> lines{{&line, LineSchedule({1s, 1s, 0ms}, h.start, 2), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, Duration(300ms), h.start);
  (void)loop.run();  // runs 3 s (last off-edge at 3s)
  std::vector<Instant> pings;
  for (const auto& [at, message] : h.notifier.messages) {
    CHECK(message == "WATCHDOG=1");
    pings.push_back(at);
  }
  REQUIRE(pings.size() == 10);  // 0.3, 0.6, ... 3.0
  CHECK(pings.front() == h.start + 300ms);
  CHECK(pings.back() == h.start + 3s);
  CHECK(loop.stats().watchdog_pings == 10);
}

TEST_CASE("SIGUSR1 logs one stats line and the blink goes on") {
  Harness h;
  RecordingLine line(h.events);
  h.events.signal_at(h.start + 1100ms, SIGUSR1);
  std::vector<LoopLine> lines{{&line, LineSchedule({500ms, 500ms, 0ms}, h.start, 2), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  CHECK(loop.run().reason == StopReason::CountDone);
  CHECK(line.levels.size() == 4);
  const std::string log = h.log();
  CHECK(log.find("notice  stats: uptime 1.1s, toggles 3, max lateness 0s, no edge skipped") !=
        std::string::npos);
}

TEST_CASE("a line that cannot be driven ends the loop with the HAL's error") {
  Harness h;
  RecordingLine line(h.events);
  line.fail_at_set = 2;
  std::vector<LoopLine> lines{
      {&line, LineSchedule({500ms, 500ms, 0ms}, h.start, std::nullopt), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  CHECK_THROWS_WITH_AS(
      loop.run(), doctest::Contains("gpio7/value: writing '1' failed: No such device"), hal::Error);
  CHECK(line.levels.size() == 2);
}

TEST_CASE("overruns are reported once per interval with a count of the ones in between") {
  Harness h;
  RecordingLine line(h.events);
  // Every wait wakes 150ms late on a 100ms half-period: one edge skipped every time.
  h.events.lateness_of_wait = [](int) { return Duration(150ms); };
  std::vector<LoopLine> lines{{&line, LineSchedule({100ms, 100ms, 0ms}, h.start, 50), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  // Every wake lands in an off-time: no blink is ever driven, and the count gives up
  // after 100 periods (20 s) instead of hanging, saying so.
  const auto result = loop.run();
  CHECK(result.reason == StopReason::CountDone);
  CHECK(result.shortfall == "line 'a' blinked 0 of 50 times");
  const std::string log = h.log();
  int warnings = 0;
  for (auto at = log.find("warning"); at != std::string::npos; at = log.find("warning", at + 1)) {
    ++warnings;
  }
  CHECK(warnings == 2);  // at the first overrun, then 10 s later
  CHECK(log.find("more skipped since the last report)") != std::string::npos);
  CHECK(loop.stats().overruns > 50);
}

TEST_CASE("a stop signal that arrived during setup ends the loop before any edge") {
  Harness h;
  RecordingLine line(h.events);
  h.events.signal_at(h.start, SIGTERM);  // pending when the loop first looks
  std::vector<LoopLine> lines{
      {&line, LineSchedule({500ms, 500ms, 0ms}, h.start, std::nullopt), "a"}};
  BlinkLoop loop(std::move(lines), h.events, h.notifier, h.logger, std::nullopt, h.start);
  CHECK(loop.run().reason == StopReason::Signal);
  CHECK(line.levels.empty());
}
