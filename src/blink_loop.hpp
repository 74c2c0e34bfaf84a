// The one thread that drives every line: sleep until the next deadline, drive the
// edges that are due, ping the watchdog, react to signals.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hal/hal.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "scheduler.hpp"

namespace blinkd {

struct SignalEvents {
  int stop_signal = 0;  // SIGTERM, SIGINT or SIGHUP when a stop was asked for, else 0
  bool stats = false;   // SIGUSR1
};

// Time and signals, injectable so the loop is tested without sleeping.
class EventSource {
 public:
  EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;
  EventSource(EventSource&&) = delete;
  EventSource& operator=(EventSource&&) = delete;
  virtual ~EventSource() = default;

  [[nodiscard]] virtual Instant now() = 0;
  // Return at `deadline` or earlier when a signal arrives. A past deadline still
  // lets pending signals in.
  virtual void wait_until(Instant deadline) = 0;
  // The signals that arrived since the last call.
  virtual SignalEvents take_signals() = 0;
  // Sleep up to `duration` (0: only let pending signals in); false once a stop signal
  // has arrived, which stays pending for take_signals(). Setup waits through this.
  virtual bool pause(Duration duration) = 0;
  // The stop signal that arrived, or 0.
  [[nodiscard]] virtual int stop_signal() const = 0;
};

// One line as the loop drives it: line i of the loop's hal::Lines.
struct LoopLine {
  std::string name;  // as the user wrote it, for logs
  LineSchedule schedule;
};

struct LoopStats {
  Instant started{};
  std::uint64_t toggles = 0;      // level changes written
  std::uint64_t overruns = 0;     // edges skipped because the loop woke after they were due
  std::uint64_t lost_blinks = 0;  // on-edges among them: blinks the line never showed
  Duration max_lateness{};        // of an edge driven
  Duration max_woke_late{};       // of a wake-up that skipped edges
  std::uint64_t watchdog_pings = 0;
};

enum class StopReason : std::uint8_t { Signal, CountDone };

struct LoopResult {
  StopReason reason = StopReason::CountDone;
  int signal = 0;
  // With a count: the lines that could not drive every blink ("line 'PE8' blinked 3 of
  // 5 times"); empty when all did.
  std::string shortfall;
};

// The loop owns the lines it drives: whatever ends it (a return, any exception), every
// line is driven to its safe level and released when the loop goes.
class BlinkLoop {
 public:
  // `rows[i]` describes `lines`' line i.
  BlinkLoop(hal::Lines lines, std::vector<LoopLine> rows, EventSource& events, Notifier& notifier,
            const Logger& logger, std::optional<Duration> watchdog_interval, Instant start);

  // Runs until a stop signal or until every line has blinked its count. Throws
  // hal::Error when a line cannot be driven (any other exception passes through too).
  LoopResult run();

  // Safe level, on-exit policy and release now: the failures of lines that did not
  // reach their safe level.
  std::vector<std::string> release() { return lines_.release(); }

  [[nodiscard]] const LoopStats& stats() const { return stats_; }
  [[nodiscard]] std::string stats_line(Instant now) const;

 private:
  void drive_due_edges(Instant now);
  void report_overrun(const LoopLine& line, const LineSchedule::Step& step, Instant now);
  [[nodiscard]] Instant next_deadline() const;
  [[nodiscard]] std::string shortfall() const;

  hal::Lines lines_;
  std::vector<LoopLine> rows_;
  std::vector<hal::LevelChange> changes_;  // one instant's edges, reused
  EventSource& events_;
  Notifier& notifier_;
  const Logger& logger_;
  std::optional<Periodic> watchdog_;
  LoopStats stats_;
  bool watchdog_failure_logged_ = false;
  std::optional<Instant> last_overrun_report_;
  std::uint64_t unreported_overruns_ = 0;
};

}  // namespace blinkd
