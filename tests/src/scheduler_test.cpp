#include <doctest/doctest.h>

#include "scheduler.hpp"

using namespace std::chrono_literals;
using blinkd::Duration;
using blinkd::Instant;
using blinkd::kNever;
using blinkd::LineSchedule;
using blinkd::Pattern;
using blinkd::Periodic;

namespace {
constexpr Instant kStart = 10s;

Pattern blink(Duration on, Duration off, Duration phase = Duration::zero()) {
  Pattern pattern;
  pattern.segments = {on, off};
  pattern.phase = phase;
  pattern.text = "blink";
  return pattern;
}

const Pattern kPattern = blink(100ms, 900ms);
}  // namespace

TEST_CASE("edges fall on absolute deadlines start + phase + k*period (+ on)") {
  LineSchedule schedule(kPattern, kStart, std::nullopt);
  const Instant expected[] = {kStart, kStart + 100ms, kStart + 1s, kStart + 1100ms, kStart + 2s};
  bool on = true;
  for (Instant deadline : expected) {
    REQUIRE(schedule.next_deadline() == deadline);
    const auto step = schedule.advance(deadline);
    CHECK(step.on == on);
    CHECK(step.skipped == 0);
    CHECK(step.lateness == 0ms);
    on = !on;
  }
}

TEST_CASE("a late wake-up is measured but never shifts the later edges") {
  LineSchedule schedule(kPattern, kStart, std::nullopt);
  (void)schedule.advance(kStart);
  const auto step = schedule.advance(kStart + 100ms + 37ms);  // the off-edge, 37ms late
  CHECK_FALSE(step.on);
  CHECK(step.lateness == 37ms);
  CHECK(step.skipped == 0);
  CHECK(schedule.next_deadline() == kStart + 1s);  // not 1s + 37ms
}

TEST_CASE("a wake-up after the following edge was due skips to the latest edge and counts it") {
  LineSchedule schedule(kPattern, kStart, std::nullopt);
  (void)schedule.advance(kStart);
  // Asleep across the off-edge (100ms) and the next on-edge (1s): drive on, skip one.
  auto step = schedule.advance(kStart + 1050ms);
  CHECK(step.on);
  CHECK(step.skipped == 1);
  CHECK(step.lateness == 50ms);
  CHECK(step.woke_late == 950ms);  // the off-edge at 100ms was the one waited for
  CHECK(schedule.next_deadline() == kStart + 1100ms);
  // Asleep for three whole periods, waking inside an off-time.
  step = schedule.advance(kStart + 4500ms);
  CHECK_FALSE(step.on);
  CHECK(step.skipped == 6);  // off@1.1 on@2 off@2.1 on@3 off@3.1 on@4 skipped, off@4.1 driven
  CHECK(step.lateness == 400ms);
  CHECK(schedule.next_deadline() == kStart + 5s);
}

TEST_CASE("phase delays the first on-edge and every later one") {
  LineSchedule schedule(blink(100ms, 900ms, 250ms), kStart, std::nullopt);
  CHECK(schedule.next_deadline() == kStart + 250ms);
  (void)schedule.advance(kStart + 250ms);
  CHECK(schedule.next_deadline() == kStart + 350ms);
  (void)schedule.advance(kStart + 350ms);
  CHECK(schedule.next_deadline() == kStart + 1250ms);
}

TEST_CASE("a count ends with the line off after exactly that many on-edges") {
  LineSchedule schedule(kPattern, kStart, 3);
  int on_edges = 0;
  int off_edges = 0;
  bool last = true;
  while (!schedule.finished()) {
    const auto step = schedule.advance(schedule.next_deadline());
    (step.on ? on_edges : off_edges)++;
    last = step.on;
  }
  CHECK(on_edges == 3);
  CHECK(off_edges == 3);
  CHECK_FALSE(last);
  CHECK(schedule.cycles_shown() == 3);
  CHECK(schedule.next_deadline() == kNever);
}

TEST_CASE("skipped blinks do not count: a count is of on-edges really driven") {
  LineSchedule schedule(kPattern, kStart, 2);
  (void)schedule.advance(kStart);  // blink 1
  // Asleep for a minute, waking inside an off-time: the off-edge is driven, the blinks
  // in between were never seen and do not count.
  auto step = schedule.advance(kStart + 60s + 500ms);
  CHECK_FALSE(step.on);
  CHECK(step.skipped == 120);
  CHECK(schedule.cycles_shown() == 1);
  CHECK_FALSE(schedule.finished());
  step = schedule.advance(schedule.next_deadline());  // blink 2, on the original grid
  CHECK(step.on);
  CHECK(schedule.cycles_shown() == 2);
  CHECK(schedule.next_deadline() == kStart + 61s + 100ms);
  // However late the loop wakes now, only the final off-edge is left.
  step = schedule.advance(kStart + 90s);
  CHECK_FALSE(step.on);
  CHECK(step.skipped == 0);
  CHECK(schedule.finished());
  CHECK(schedule.next_deadline() == kNever);
}

TEST_CASE("a count gives up when every on-edge is missed instead of never finishing") {
  LineSchedule schedule(kPattern, kStart, 3);
  int wakes = 0;
  while (!schedule.finished()) {
    // Always waking 200ms after the on-edge, inside the 900ms off-time.
    const auto step = schedule.advance(schedule.next_deadline() + 200ms);
    CHECK_FALSE(step.on);
    REQUIRE(++wakes < 100);
  }
  CHECK(schedule.cycles_shown() == 0);
  CHECK(wakes == 10);  // max(2 * 3, 10) misses in a row
}

TEST_CASE("a periodic deadline fires once when late and moves to the next future slot") {
  Periodic ping(kStart, 500ms);
  CHECK(ping.next_deadline() == kStart + 500ms);
  ping.advance(kStart + 500ms);
  CHECK(ping.next_deadline() == kStart + 1s);
  ping.advance(kStart + 2700ms);
  CHECK(ping.next_deadline() == kStart + 3s);
  ping.advance(kStart + 2800ms);  // not due yet: unchanged
  CHECK(ping.next_deadline() == kStart + 3s);
}
