// SPDX-License-Identifier: MIT
#include "blink_loop.hpp"

#include <algorithm>
#include <cstring>

#include "control_protocol.hpp"
#include "hal/text.hpp"
#include "usage_error.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

constexpr Duration kOverrunReportInterval = std::chrono::seconds(10);
constexpr Duration kChangeLogWindow = std::chrono::seconds(10);
constexpr std::uint64_t kChangeLogBurst = 10;
constexpr Duration kStateSaveInterval = std::chrono::milliseconds(100);

}  // namespace

BlinkLoop::BlinkLoop(hal::Lines lines, LineTable table, EventSource& events, Notifier& notifier,
                     const Logger& logger, std::optional<Duration> watchdog_interval, Instant start,
                     LoopControl control)
    : lines_(std::move(lines)),
      table_(std::move(table)),
      events_(events),
      notifier_(notifier),
      logger_(logger),
      control_(control) {
  stats_.started = start;
  changes_.reserve(table_.rows().size());
  if (watchdog_interval) {
    watchdog_.emplace(start, *watchdog_interval);
  }
  change_window_ = start;
}

// Done when no line is still counting and at least one has shown its count: a line that
// shows a steady pattern has no cycles and does not hold the end, but a run where every
// line is steady waits for a cycle pattern to come back.
bool BlinkLoop::count_done() const {
  bool any_finished = false;
  for (const auto& row : table_.rows()) {
    if (row.schedule.finished()) {
      any_finished = true;
    } else if (!row.schedule.pattern().steady()) {
      return false;
    }
  }
  return any_finished;
}

Instant BlinkLoop::next_deadline(Instant now) const {
  Instant deadline = table_.next_deadline();
  for (const auto& row : table_.rows()) {
    deadline = std::min(deadline, row.schedule.next_deadline());
  }
  if (watchdog_) {
    deadline = std::min(deadline, watchdog_->next_deadline());
  }
  if (control_.server != nullptr) {
    deadline = std::min(deadline, control_.server->next_deadline(now));
  }
  if (state_dirty_) {
    deadline = std::min(deadline, last_state_save_ + kStateSaveInterval);
  }
  return deadline;
}

LoopResult BlinkLoop::run() {
  for (;;) {
    if (count_done()) {
      finish(events_.now());
      return LoopResult{StopReason::CountDone, 0, shortfall()};
    }
    fds_.clear();
    if (control_.server != nullptr) {
      control_.server->add_poll_fds(fds_);
    }
    // Signals are looked at after every wake-up and before anything is driven, so a
    // stop that came during setup never lets a first edge through.
    events_.wait_until(next_deadline(events_.now()), fds_);
    const SignalEvents signals = events_.take_signals();
    if (signals.stats) {
      logger_.always(LogLevel::Notice, "{}", stats_line(events_.now()));  // asked for
    }
    if (signals.stop_signal != 0) {
      finish(events_.now());
      return LoopResult{StopReason::Signal, signals.stop_signal, {}};
    }

    Instant now = events_.now();
    if (watchdog_ && now >= watchdog_->next_deadline()) {
      if (int err = notifier_.send("WATCHDOG=1"); err != 0 && !watchdog_failure_logged_) {
        logger_.warning("watchdog ping failed: {}", std::strerror(err));
        watchdog_failure_logged_ = true;
      }
      ++stats_.watchdog_pings;
      watchdog_->advance(now);
    }
    table_.expire(now);
    drive_due_edges(now);
    if (control_.server != nullptr) {
      control_.server->service(fds_, now, [this](std::string_view request, const Peer& peer) {
        return execute(request, peer);
      });
      now = events_.now();
      drive_due_edges(now);  // what a command changed shows at once
    }
    save_state(now, false);
  }
}

void BlinkLoop::drive_due_edges(Instant now) {
  changes_.clear();
  auto& rows = table_.rows();
  for (std::size_t index = 0; index < rows.size(); ++index) {
    LineRow& row = rows[index];
    if (row.schedule.next_deadline() > now) {
      continue;
    }
    const LineSchedule::Step step = row.schedule.advance(now);
    if (step.changed) {
      changes_.push_back(hal::LevelChange{index, step.on});
      ++row.edges;
      stats_.max_lateness = std::max(stats_.max_lateness, step.lateness);
    }
    stats_.overruns += step.skipped;
    stats_.lost_cycles += step.lost_cycles;
    if (step.skipped > 0) {
      stats_.max_woke_late = std::max(stats_.max_woke_late, step.woke_late);
      report_overrun(row, step, now);
    }
    if (logger_.enabled(LogLevel::Debug)) {
      logger_.debug("line '{}': {}{} (late {})", row.name(), step.changed ? "" : "still ",
                    step.on ? "on" : "off", format_duration(step.lateness));
    }
  }
  // Every line that changes now, in one call: one ioctl per chip where the backend can.
  if (!changes_.empty()) {
    lines_.set(changes_);
    stats_.toggles += changes_.size();
  }
}

std::string BlinkLoop::execute(std::string_view request, const Peer& peer) {
  ++stats_.requests;
  auto parsed = parse_request(request);
  if (std::holds_alternative<std::string>(parsed)) {
    return format_reply({}, false, std::get<std::string>(parsed));
  }
  const Request& command = std::get<Request>(parsed);
  const Instant now = events_.now();
  Reply reply;
  switch (command.command) {
    case Request::Command::Version:
      reply = Reply{{fmt::format("version protocol {} gpio-blinkd {}", kProtocolVersion, kVersion)},
                    true,
                    {},
                    false};
      break;
    case Request::Command::Help:
      reply = Reply{protocol_help(), true, {}, false};
      break;
    case Request::Command::Status:
      reply = table_.status(now);
      break;
    case Request::Command::State:
      reply = table_.show_state(command.argument, now);
      break;
    case Request::Command::Set:
      reply = table_.set(*command.line, command.argument, now);
      break;
    case Request::Command::Identify: {
      std::optional<std::string> line = command.line;
      Duration duration = command.duration.value_or(kIdentifyDefault);
      if (command.maybe_line_or_duration) {
        const std::string& word = *command.maybe_line_or_duration;
        if (table_.find(word) != nullptr) {
          line = word;
        } else {
          try {
            duration = parse_duration(word, "identify: a line or a duration", kIdentifyRange);
          } catch (const UsageError&) {
            reply = Reply{{},
                          false,
                          fmt::format("'{}' is neither a line of the configuration nor a "
                                      "duration ({})",
                                      hal::printable(word), describe_range(kIdentifyRange)),
                          false};
            break;
          }
        }
      }
      reply = table_.identify(line, duration, now);
      break;
    }
    case Request::Command::Reset:
      reply = table_.reset(command.line, now);
      break;
  }
  if (reply.ok && command.command != Request::Command::Status &&
      command.command != Request::Command::Version && command.command != Request::Command::Help) {
    log_change(peer, request, reply, now);
  }
  if (reply.changed) {
    state_dirty_ = true;
    (void)notifier_.send(fmt::format("STATUS={}", status_text()));
  }
  return format_reply(reply.data, reply.ok, reply.message);
}

std::string BlinkLoop::status_text() const {
  const std::size_t count = table_.rows().size();
  return fmt::format("Blinking {} line{}{}", count, count == 1 ? "" : "s",
                     table_.state() ? fmt::format(", state {}", *table_.state()) : std::string());
}

// Who changed what, so an unexpected LED can be traced to a program; a flood cannot
// bury the journal: a burst per window, then a count.
void BlinkLoop::log_change(const Peer& peer, std::string_view request, const Reply& reply,
                           Instant now) {
  if (now - change_window_ >= kChangeLogWindow) {
    if (changes_unlogged_ > 0) {
      logger_.notice("control: {} more change{} by clients were not logged", changes_unlogged_,
                     changes_unlogged_ == 1 ? "" : "s");
    }
    change_window_ = now;
    changes_in_window_ = 0;
    changes_unlogged_ = 0;
  }
  if (++changes_in_window_ > kChangeLogBurst) {
    ++changes_unlogged_;
    return;
  }
  logger_.notice("control: pid {} uid {} gid {}: {}: {}", peer.pid, peer.uid, peer.gid,
                 hal::printable(request, 200), reply.message);
}

void BlinkLoop::finish(Instant now) {
  save_state(now, true);
  if (changes_unlogged_ > 0) {
    logger_.notice("control: {} more change{} by clients were not logged", changes_unlogged_,
                   changes_unlogged_ == 1 ? "" : "s");
    changes_unlogged_ = 0;
  }
}

void BlinkLoop::save_state(Instant now, bool final) {
  if (!state_dirty_ || control_.store == nullptr ||
      (!final && now - last_state_save_ < kStateSaveInterval)) {
    return;
  }
  state_dirty_ = false;
  last_state_save_ = now;
  if (const std::string error = control_.store->save(table_.snapshot()); !error.empty()) {
    if (!state_failure_logged_) {
      logger_.warning("{}: the state will not survive a restart", error);
      state_failure_logged_ = true;
    }
  }
}

// A machine too busy for the period would log every edge; one warning per interval
// says it happened and how often.
void BlinkLoop::report_overrun(const LineRow& row, const LineSchedule::Step& step, Instant now) {
  unreported_overruns_ += step.skipped;
  if (last_overrun_report_ && now - *last_overrun_report_ < kOverrunReportInterval) {
    return;
  }
  const std::uint64_t others = unreported_overruns_ - step.skipped;
  logger_.warning("line '{}': woke {} after its edge was due and skipped {} edge{}{}{}", row.name(),
                  format_duration(step.woke_late), step.skipped, step.skipped == 1 ? "" : "s",
                  step.lost_cycles == 0 ? std::string()
                                        : fmt::format(", losing {} cycle{}", step.lost_cycles,
                                                      step.lost_cycles == 1 ? "" : "s"),
                  others == 0 ? std::string()
                              : fmt::format(" ({} more skipped since the last report)", others));
  last_overrun_report_ = now;
  unreported_overruns_ = 0;
}

std::string BlinkLoop::shortfall() const {
  std::string text;
  for (const auto& row : table_.rows()) {
    const auto wanted = row.schedule.cycles_wanted();
    if (wanted && row.schedule.cycles_shown() < *wanted && !row.schedule.pattern().steady()) {
      text += fmt::format("{}line '{}' showed {} of {} cycles", text.empty() ? "" : ", ",
                          row.name(), row.schedule.cycles_shown(), *wanted);
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
        ", {} edge{} skipped and {} cycle{} lost (the loop woke up to {} late: the machine was "
        "busy or suspended)",
        stats_.overruns, stats_.overruns == 1 ? "" : "s", stats_.lost_cycles,
        stats_.lost_cycles == 1 ? "" : "s", format_duration(stats_.max_woke_late));
  }
  line += fmt::format(", watchdog pings {}", stats_.watchdog_pings);
  if (control_.server != nullptr) {
    line += fmt::format(", control requests {}", stats_.requests);
  }
  if (logger_.lost_lines() > 0) {
    line += fmt::format(", log lines lost {} (last: {})", logger_.lost_lines(),
                        std::strerror(logger_.last_error()));
  }
  return line;
}

}  // namespace blinkd
