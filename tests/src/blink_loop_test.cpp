// SPDX-License-Identifier: MIT
#include <doctest/doctest.h>

#include <csignal>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "blink_loop.hpp"
#include "fakes.hpp"
#include "support/printers.hpp"

using namespace std::chrono_literals;
using namespace blinkd;

namespace {

using fakes::BankRecord;
using fakes::FakeEvents;
using fakes::RecordingNotifier;

// A blink of `on` and `off` after `phase`: the classic two-segment pattern.
Pattern blink(Duration on, Duration off, Duration phase = Duration::zero()) {
  Pattern pattern;
  pattern.segments = {on, off};
  pattern.phase = phase;
  pattern.text = "blink";
  return pattern;
}

struct Harness {
  FakeEvents events;
  RecordingNotifier notifier{events};
  fakes::LogFile log_file;
  Logger logger{log_file.fd, LogLevel::Debug, LogStyle::Timestamped};
  Instant start = events.now();
  std::shared_ptr<BankRecord> record = std::make_shared<BankRecord>();
  std::vector<LinePlan> plans;  // outlives the loops made here
  std::string log() const { return log_file.text(); }
  // A loop over lines named a, b, ... showing these patterns.
  BlinkLoop loop(const std::vector<Pattern>& patterns, std::optional<std::uint64_t> count,
                 std::optional<Duration> watchdog = {}) {
    plans.clear();
    std::vector<hal::ResolvedLine> resolved;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      LinePlan plan;
      plan.spec = hal::parse_line_spec(std::string(1, static_cast<char>('a' + i)));
      plan.pattern = patterns[i];
      plans.push_back(plan);
      resolved.emplace_back();
    }
    hal::Lines lines = fakes::recording_lines(record, plans.size(), events);
    LineTable table(plans, resolved, start, count, std::nullopt);
    return BlinkLoop(std::move(lines), std::move(table), events, notifier, logger, watchdog, start);
  }
  fakes::LineRecord& line(std::size_t index = 0) { return record->lines.at(index); }
};

}  // namespace

TEST_CASE("--count N drives exactly N on-edges per line on the period grid then stops") {
  Harness h;
  auto loop = h.loop({blink(100ms, 400ms)}, 3);
  const auto result = loop.run();
  CHECK(result.reason == StopReason::CountDone);
  CHECK(h.line().levels == std::vector<bool>{true, false, true, false, true, false});
  const std::vector<Instant> expected{h.start,         h.start + 100ms,  h.start + 500ms,
                                      h.start + 600ms, h.start + 1000ms, h.start + 1100ms};
  CHECK(h.line().times == expected);
  CHECK(loop.stats().toggles == 6);
  CHECK(loop.stats().overruns == 0);
}

TEST_CASE("a stop signal ends the loop at once and no edge is driven after it") {
  Harness h;
  h.events.signal_at(h.start + 1250ms, SIGTERM);
  auto loop = h.loop({blink(500ms, 500ms)}, std::nullopt);
  const auto result = loop.run();
  CHECK(result.reason == StopReason::Signal);
  CHECK(result.signal == SIGTERM);
  CHECK(h.line().levels == std::vector<bool>{true, false, true});
  CHECK(h.line().times.back() == h.start + 1s);
}

TEST_CASE("late wake-ups are measured and counted without moving later edges") {
  Harness h;
  // The second wait wakes 30ms late; the fourth sleeps through a whole edge.
  h.events.lateness_of_wait = [](int wait) {
    return wait == 2 ? Duration(30ms) : wait == 4 ? Duration(620ms) : Duration::zero();
  };
  auto loop = h.loop({blink(500ms, 500ms)}, 4);
  (void)loop.run();
  // t=0 on, 530 off (late), 1000 on; the wait for off@1500 wakes at 2120, when on@2000 is
  // due too: the line has been on since 1000, so nothing is written and that blink is
  // lost (an "on" over an "on" is no blink). Then 2500 off, 3000 on, 3500 off, 4000 on,
  // 4500 off: still 4 blinks really shown, on the same grid.
  CHECK(h.line().times == std::vector<Instant>{h.start, h.start + 530ms, h.start + 1000ms,
                                               h.start + 2500ms, h.start + 3000ms, h.start + 3500ms,
                                               h.start + 4000ms, h.start + 4500ms});
  CHECK(h.line().levels == std::vector<bool>{true, false, true, false, true, false, true, false});
  CHECK(loop.stats().overruns == 1);
  CHECK(loop.stats().lost_cycles == 1);
  CHECK(loop.stats().toggles == 8);
  CHECK(loop.stats().max_lateness == 30ms);
  CHECK(h.log().find("line 'a': woke 620ms after its edge was due and skipped 1 edge, losing 1 "
                     "cycle\n") != std::string::npos);
  CHECK(loop.stats_line(h.start + 5s)
            .find("1 edge skipped and 1 cycle lost (the loop woke up to "
                  "620ms late") != std::string::npos);
}

TEST_CASE("several lines with phases share one thread and keep their own grids") {
  Harness h;
  auto loop = h.loop({blink(100ms, 100ms), blink(50ms, 250ms, 75ms)}, 2);
  (void)loop.run();
  CHECK(h.line(0).times ==
        std::vector<Instant>{h.start, h.start + 100ms, h.start + 200ms, h.start + 300ms});
  CHECK(h.line(1).times ==
        std::vector<Instant>{h.start + 75ms, h.start + 125ms, h.start + 375ms, h.start + 425ms});
  CHECK(h.line(1).levels == std::vector<bool>{true, false, true, false});
}

TEST_CASE("the watchdog is pinged from the loop at its interval between edges") {
  Harness h;
  auto loop = h.loop({blink(1s, 1s)}, 2, Duration(300ms));
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
  h.events.signal_at(h.start + 1100ms, SIGUSR1);
  auto loop = h.loop({blink(500ms, 500ms)}, 2);
  CHECK(loop.run().reason == StopReason::CountDone);
  CHECK(h.line().levels.size() == 4);
  const std::string log = h.log();
  CHECK(log.find("notice  stats: uptime 1.1s, toggles 3, max lateness 0s, no edge skipped") !=
        std::string::npos);
}

TEST_CASE("a line that cannot be driven ends the loop with the HAL's error") {
  Harness h;
  h.record->fail_at_call = 2;
  auto loop = h.loop({blink(500ms, 500ms)}, std::nullopt);
  CHECK_THROWS_WITH_AS(
      loop.run(), doctest::Contains("gpio7/value: writing '1' failed: No such device"), hal::Error);
  CHECK(h.line().levels.size() == 2);
}

TEST_CASE("overruns are reported once per interval with a count of the ones in between") {
  Harness h;
  // Every wait wakes 150ms late on a 100ms half-period: one edge skipped every time.
  h.events.lateness_of_wait = [](int) { return Duration(150ms); };
  auto loop = h.loop({blink(100ms, 100ms)}, 50);
  // Every wake lands in an off-time: no blink is ever driven, and the count gives up
  // after 100 periods (20 s) instead of hanging, saying so.
  const auto result = loop.run();
  CHECK(result.reason == StopReason::CountDone);
  CHECK(result.shortfall == "line 'a' showed 0 of 50 cycles");
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
  h.events.signal_at(h.start, SIGTERM);  // pending when the loop first looks
  auto loop = h.loop({blink(500ms, 500ms)}, std::nullopt);
  CHECK(loop.run().reason == StopReason::Signal);
  CHECK(h.line().levels.empty());
}
