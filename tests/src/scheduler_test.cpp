// SPDX-License-Identifier: MIT
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

namespace {

Pattern segments(std::vector<Duration> durations, Duration phase = Duration::zero()) {
  Pattern pattern;
  pattern.segments = std::move(durations);
  pattern.phase = phase;
  pattern.text = "test";
  return pattern;
}

Pattern steady(bool on) {
  Pattern pattern;
  pattern.steady_on = on;
  pattern.text = on ? "on" : "off";
  return pattern;
}

// Every edge a schedule drives until `end`, as (time, level), waking exactly on time.
std::vector<std::pair<Instant, bool>> run_until(LineSchedule& schedule, Instant end) {
  std::vector<std::pair<Instant, bool>> edges;
  while (schedule.next_deadline() <= end) {
    const Instant at = schedule.next_deadline();
    const auto step = schedule.advance(at);
    if (step.changed) {
      edges.emplace_back(at - kStart, step.on);
    }
  }
  return edges;
}

}  // namespace

TEST_CASE("a four-segment pattern's edges fall exactly on its grid") {
  LineSchedule schedule(segments({70ms, 245ms, 70ms, 875ms}), kStart, std::nullopt);
  const auto edges = run_until(schedule, kStart + 2520ms);
  const std::vector<std::pair<Instant, bool>> expected{
      {0ms, true},     {70ms, false},  {315ms, true},   {385ms, false}, {1260ms, true},
      {1330ms, false}, {1575ms, true}, {1645ms, false}, {2520ms, true}};
  CHECK(edges == expected);
}

TEST_CASE("a change mid-cycle starts the new pattern on its own grid at once") {
  LineSchedule schedule(kPattern, kStart, std::nullopt);  // 100ms on, 900ms off
  (void)run_until(schedule, kStart + 1s);                 // on at 0, off at 0.1, on at 1.0
  // At 1.05s switch to 100ms/100ms: its grid (anchored at the same epoch) is in an "on"
  // segment from 1.0 to 1.1, and the line is on: nothing to write now.
  schedule.change(segments({100ms, 100ms}), kStart + 1050ms);
  CHECK(schedule.next_deadline() == kStart + 1050ms);
  auto step = schedule.advance(kStart + 1050ms);
  CHECK(step.on);
  CHECK_FALSE(step.changed);
  CHECK(schedule.next_deadline() == kStart + 1100ms);  // the new grid's next edge
  (void)run_until(schedule, kStart + 1100ms);          // off at 1.1
  // At 1.12s switch to 250ms/250ms: on from 1.0 to 1.25 on its grid; the line is off:
  // on at once, then the grid's off at 1.25.
  schedule.change(segments({250ms, 250ms}), kStart + 1120ms);
  step = schedule.advance(kStart + 1120ms);
  CHECK(step.on);
  CHECK(step.changed);
  CHECK(step.skipped == 0);
  CHECK(schedule.next_deadline() == kStart + 1250ms);
}

TEST_CASE("lines switched at different times to one pattern change at the same instants") {
  LineSchedule a(kPattern, kStart, std::nullopt);
  LineSchedule b(kPattern, kStart, std::nullopt);
  a.change(segments({70ms, 245ms, 70ms, 875ms}), kStart + 300ms);
  b.change(segments({70ms, 245ms, 70ms, 875ms}), kStart + 2777ms);
  (void)a.advance(kStart + 300ms);
  (void)b.advance(kStart + 2777ms);
  while (a.next_deadline() < b.next_deadline()) {
    (void)a.advance(a.next_deadline());
  }
  CHECK(a.next_deadline() == b.next_deadline());
  CHECK(a.next_deadline() == kStart + 2835ms);  // 2 cycles of 1260 + 315
}

TEST_CASE("steady patterns make no writes beyond their one level") {
  LineSchedule off(steady(false), kStart, std::nullopt);
  auto step = off.advance(off.next_deadline());
  CHECK_FALSE(step.changed);
  CHECK(off.next_deadline() == kNever);
  LineSchedule on(steady(true), kStart, std::nullopt);
  step = on.advance(on.next_deadline());
  CHECK(step.on);
  CHECK(step.changed);
  CHECK(on.next_deadline() == kNever);
  // A steady pattern after a blink: its level at once, then nothing.
  LineSchedule blinking(kPattern, kStart, std::nullopt);
  (void)blinking.advance(kStart);  // on
  blinking.change(steady(false), kStart + 50ms);
  step = blinking.advance(kStart + 50ms);
  CHECK_FALSE(step.on);
  CHECK(step.changed);
  CHECK(blinking.next_deadline() == kNever);
}

TEST_CASE("a count counts cycles: each whole, ending off, across pattern changes") {
  LineSchedule schedule(segments({70ms, 245ms, 70ms, 875ms}), kStart, 2);
  const auto edges = run_until(schedule, kStart + 10s);
  CHECK(edges.size() == 8);  // two whole cycles
  CHECK(edges.back() == std::pair<Instant, bool>{1645ms, false});
  CHECK(schedule.finished());
  CHECK(schedule.cycles_shown() == 2);
  // The count goes on across a change: one cycle of a blink, then one of fast.
  LineSchedule changing(kPattern, kStart, 2);
  (void)changing.advance(kStart);
  (void)changing.advance(kStart + 100ms);
  CHECK(changing.cycles_shown() == 1);
  changing.change(segments({100ms, 100ms}), kStart + 150ms);
  (void)run_until(changing, kStart + 10s);
  CHECK(changing.cycles_shown() == 2);
  CHECK(changing.finished());
  CHECK_FALSE(changing.shown_on());
  // A steady pattern shows no cycles: its count waits.
  LineSchedule waiting(steady(true), kStart, 1);
  (void)run_until(waiting, kStart + 10s);
  CHECK_FALSE(waiting.finished());
}
