// SPDX-License-Identifier: MIT
// The one thread that drives every line: sleep until the next deadline (an edge, an
// identify ending, the watchdog, a client timing out) or until a signal or a control
// client wakes it, drive the edges that are due, serve the control socket.
#pragma once

#include <poll.h>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control_server.hpp"
#include "hal/hal.hpp"
#include "line_table.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "scheduler.hpp"
#include "state_file.hpp"

namespace blinkd {

struct SignalEvents {
  int stop_signal = 0;  // SIGTERM, SIGINT or SIGHUP when a stop was asked for, else 0
  bool stats = false;   // SIGUSR1
};

// Time, signals and descriptors, injectable so the loop is tested without sleeping.
class EventSource {
 public:
  EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;
  EventSource(EventSource&&) = delete;
  EventSource& operator=(EventSource&&) = delete;
  virtual ~EventSource() = default;

  [[nodiscard]] virtual Instant now() = 0;
  // Return at `deadline` (kNever: no deadline), or earlier when a signal arrives or one
  // of `fds` is ready (their revents are filled in). A past deadline still lets pending
  // signals in.
  virtual void wait_until(Instant deadline, std::span<pollfd> fds) = 0;
  void wait_until(Instant deadline) { wait_until(deadline, {}); }
  // The signals that arrived since the last call.
  virtual SignalEvents take_signals() = 0;
  // Sleep up to `duration` (0: only let pending signals in); false once a stop signal
  // has arrived, which stays pending for take_signals(). Setup waits through this.
  virtual bool pause(Duration duration) = 0;
  // The stop signal that arrived, or 0.
  [[nodiscard]] virtual int stop_signal() const = 0;
};

struct LoopStats {
  Instant started{};
  std::uint64_t toggles = 0;      // level changes written
  std::uint64_t overruns = 0;     // edges skipped because the loop woke after they were due
  std::uint64_t lost_cycles = 0;  // cycles among them that the line never showed
  Duration max_lateness{};        // of an edge driven
  Duration max_woke_late{};       // of a wake-up that skipped edges
  std::uint64_t watchdog_pings = 0;
  std::uint64_t requests = 0;  // control requests served
};

enum class StopReason : std::uint8_t { Signal, CountDone };

struct LoopResult {
  StopReason reason = StopReason::CountDone;
  int signal = 0;
  // With a count: the lines that could not show every cycle ("line 'PE8' showed 3 of 5
  // cycles"); empty when all did.
  std::string shortfall;
};

// The optional parts of a run: the control socket, the file that keeps what it was told.
struct LoopControl {
  ControlServer* server = nullptr;
  const StateStore* store = nullptr;
};

// The loop owns the lines it drives: whatever ends it (a return, any exception), every
// line is driven to its safe level and released when the loop goes.
class BlinkLoop {
 public:
  // `table.rows()[i]` describes `lines`' line i.
  BlinkLoop(hal::Lines lines, LineTable table, EventSource& events, Notifier& notifier,
            const Logger& logger, std::optional<Duration> watchdog_interval, Instant start,
            LoopControl control = {});

  // Runs until a stop signal or until every line has shown its count. Throws hal::Error
  // when a line cannot be driven (any other exception passes through too).
  LoopResult run();

  // Safe level, on-exit policy and release now: the failures of lines that did not
  // reach their safe level.
  std::vector<std::string> release() { return lines_.release(); }

  // One control request line, as a client sent it: the reply text. Public for tests.
  [[nodiscard]] std::string execute(std::string_view request, const Peer& peer);

  [[nodiscard]] const LoopStats& stats() const { return stats_; }
  [[nodiscard]] const LineTable& table() const { return table_; }
  [[nodiscard]] std::string stats_line(Instant now) const;
  [[nodiscard]] std::string status_text() const;

 private:
  void drive_due_edges(Instant now);
  void report_overrun(const LineRow& row, const LineSchedule::Step& step, Instant now);
  [[nodiscard]] Instant next_deadline(Instant now) const;
  [[nodiscard]] bool count_done() const;
  [[nodiscard]] std::string shortfall() const;
  void log_change(const Peer& peer, std::string_view request, const Reply& reply, Instant now);
  void save_state(Instant now, bool final);
  // What is left to write and say before the loop returns.
  void finish(Instant now);

  hal::Lines lines_;
  LineTable table_;
  std::vector<hal::LevelChange> changes_;  // one instant's edges, reused
  std::vector<pollfd> fds_;                // reused
  EventSource& events_;
  Notifier& notifier_;
  const Logger& logger_;
  std::optional<Periodic> watchdog_;
  LoopControl control_;
  LoopStats stats_;
  bool watchdog_failure_logged_ = false;
  std::optional<Instant> last_overrun_report_;
  std::uint64_t unreported_overruns_ = 0;
  // Changes by clients are logged, at most kChangeLogBurst per kChangeLogWindow.
  Instant change_window_{};
  std::uint64_t changes_in_window_ = 0;
  std::uint64_t changes_unlogged_ = 0;
  // The state file is written at most every kStateSaveInterval, and at the end.
  bool state_dirty_ = false;
  Instant last_state_save_{};
  bool state_failure_logged_ = false;
};

}  // namespace blinkd
