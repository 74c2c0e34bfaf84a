#include "blink_loop.hpp"

#include <algorithm>
#include <cstring>

namespace blinkd {

BlinkLoop::BlinkLoop(hal::Lines lines, std::vector<LoopLine> rows, EventSource& events,
                     Notifier& notifier, const Logger& logger,
                     std::optional<Duration> watchdog_interval, Instant start)
    : lines_(std::move(lines)),
      rows_(std::move(rows)),
      events_(events),
      notifier_(notifier),
      logger_(logger) {
  changes_.reserve(rows_.size());
  stats_.started = start;
  if (watchdog_interval) {
    watchdog_.emplace(start, *watchdog_interval);
  }
}

Instant BlinkLoop::next_deadline() const {
  Instant deadline = kNever;
  for (const auto& row : rows_) {
    deadline = std::min(deadline, row.schedule.next_deadline());
  }
  return deadline;
}

LoopResult BlinkLoop::run() {
  for (;;) {
    const Instant edge = next_deadline();
    if (edge == kNever) {
      return LoopResult{StopReason::CountDone, 0, shortfall()};
    }
    // Signals are looked at after every wake-up and before anything is driven, so a
    // stop that came during setup never lets a first edge through.
    events_.wait_until(watchdog_ ? std::min(edge, watchdog_->next_deadline()) : edge);
    const SignalEvents signals = events_.take_signals();
    if (signals.stats) {
      logger_.always(LogLevel::Notice, "{}", stats_line(events_.now()));  // asked for
    }
    if (signals.stop_signal != 0) {
      return LoopResult{StopReason::Signal, signals.stop_signal, {}};
    }

    const Instant now = events_.now();
    if (watchdog_ && now >= watchdog_->next_deadline()) {
      if (int err = notifier_.send("WATCHDOG=1"); err != 0 && !watchdog_failure_logged_) {
        logger_.warning("watchdog ping failed: {}", std::strerror(err));
        watchdog_failure_logged_ = true;
      }
      ++stats_.watchdog_pings;
      watchdog_->advance(now);
    }
    drive_due_edges(now);
  }
}

void BlinkLoop::drive_due_edges(Instant now) {
  changes_.clear();
  for (std::size_t index = 0; index < rows_.size(); ++index) {
    LoopLine& row = rows_[index];
    if (row.schedule.next_deadline() > now) {
      continue;
    }
    const LineSchedule::Step step = row.schedule.advance(now);
    if (step.changed) {
      changes_.push_back(hal::LevelChange{index, step.on});
      stats_.max_lateness = std::max(stats_.max_lateness, step.lateness);
    }
    stats_.overruns += step.skipped;
    stats_.lost_blinks += step.lost_blinks;
    if (step.skipped > 0) {
      stats_.max_woke_late = std::max(stats_.max_woke_late, step.woke_late);
      report_overrun(row, step, now);
    }
    if (logger_.enabled(LogLevel::Debug)) {
      logger_.debug("line '{}': {}{} (late {})", row.name, step.changed ? "" : "still ",
                    step.on ? "on" : "off", format_duration(step.lateness));
    }
  }
  // Every line that changes now, in one call: one ioctl per chip where the backend can.
  if (!changes_.empty()) {
    lines_.set(changes_);
    stats_.toggles += changes_.size();
  }
}

// A machine too busy for the period would log every edge; one warning per interval
// says it happened and how often.
void BlinkLoop::report_overrun(const LoopLine& line, const LineSchedule::Step& step, Instant now) {
  constexpr Duration kReportInterval = std::chrono::seconds(10);
  unreported_overruns_ += step.skipped;
  if (last_overrun_report_ && now - *last_overrun_report_ < kReportInterval) {
    return;
  }
  const std::uint64_t others = unreported_overruns_ - step.skipped;
  logger_.warning("line '{}': woke {} after its edge was due and skipped {} edge{}{}{}", line.name,
                  format_duration(step.woke_late), step.skipped, step.skipped == 1 ? "" : "s",
                  step.lost_blinks == 0 ? std::string()
                                        : fmt::format(", losing {} blink{}", step.lost_blinks,
                                                      step.lost_blinks == 1 ? "" : "s"),
                  others == 0 ? std::string()
                              : fmt::format(" ({} more skipped since the last report)", others));
  last_overrun_report_ = now;
  unreported_overruns_ = 0;
}

std::string BlinkLoop::shortfall() const {
  std::string text;
  for (const auto& row : rows_) {
    const auto wanted = row.schedule.blinks_wanted();
    if (wanted && row.schedule.blinks_driven() < *wanted) {
      text += fmt::format("{}line '{}' blinked {} of {} times", text.empty() ? "" : ", ", row.name,
                          row.schedule.blinks_driven(), *wanted);
    }
  }
  return text;
}

std::string BlinkLoop::stats_line(Instant now) const {
  const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(now - stats_.started);
  std::string line =
      fmt::format("stats: uptime {}, toggles {}, max lateness {}", format_duration(uptime),
                  stats_.toggles, format_duration(stats_.max_lateness));
  if (stats_.overruns == 0) {
    line += ", no edge skipped";
  } else {
    line += fmt::format(
        ", {} edge{} skipped and {} blink{} lost (the loop woke up to {} late: the machine was "
        "busy or suspended)",
        stats_.overruns, stats_.overruns == 1 ? "" : "s", stats_.lost_blinks,
        stats_.lost_blinks == 1 ? "" : "s", format_duration(stats_.max_woke_late));
  }
  line += fmt::format(", watchdog pings {}", stats_.watchdog_pings);
  if (logger_.lost_lines() > 0) {
    line += fmt::format(", log lines lost {} (last: {})", logger_.lost_lines(),
                        std::strerror(logger_.last_error()));
  }
  return line;
}

}  // namespace blinkd
