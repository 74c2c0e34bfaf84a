// SPDX-License-Identifier: MIT
#include "daemon.hpp"

#include <unistd.h>

#include <memory>
#include <vector>

#include <fmt/format.h>

#include "blink_loop.hpp"
#include "hal/registry.hpp"
#include "notify.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

std::string describe_pattern(const LinePlan& plan, std::optional<std::uint64_t> count) {
  std::string text = fmt::format("on {}, off {}", format_duration(plan.pattern.on),
                                 format_duration(plan.pattern.off));
  if (plan.pattern.phase > Duration::zero()) {
    text += fmt::format(", phase {}", format_duration(plan.pattern.phase));
  }
  if (plan.settings.active_low) {
    text += ", active-low";
  }
  if (count) {
    text += fmt::format(", {} blink{}", *count, *count == 1 ? "" : "s");
  }
  return text;
}

// Drive every line to its safe level (logically off). Returns false when one failed;
// the others are still tried.
bool drive_all_off(const std::vector<std::unique_ptr<hal::OutputLine>>& lines, const Logger& logger,
                   std::optional<std::size_t> broken = std::nullopt) {
  bool all_off = true;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (index == broken) {
      continue;  // its failure was reported already and would only repeat
    }
    try {
      lines[index]->set(false);
    } catch (const hal::Error& error) {
      logger.error("could not drive to the safe level: {}", error.what());
      all_off = false;
    }
  }
  return all_off;
}

class Daemon {
 public:
  Daemon(const Options& options, const Environment& environment, SystemEvents& events,
         const Logger& logger)
      : options_(options),
        logger_(logger),
        notify_(notify_from_environment(environment, static_cast<int>(::getpid()))),
        events_(events) {}

  int run() {
    if (!notify_.problem.empty()) {
      logger_.warning("{}", notify_.problem);
    }
    if (!notify_.note.empty()) {
      logger_.info("{}", notify_.note);
    }
    logger_.info("gpio-blinkd {} starting (pid {}), {} line{}", kVersion, ::getpid(),
                 options_.lines.size(), options_.lines.size() == 1 ? "" : "s");
    (void)notify_.notifier->send("STATUS=Setting up GPIO lines");
    try {
      open_lines();
    } catch (const hal::Interrupted&) {
      return stopped_during_setup();
    } catch (const hal::Error& error) {
      return fail(error.what());
    }

    const Instant start = events_.now();
    std::vector<LoopLine> loop_lines;
    loop_lines.reserve(lines_.size());
    auto plan = options_.lines.begin();  // lines_ was opened in the order of options_.lines
    for (const auto& line : lines_) {
      loop_lines.push_back(LoopLine{line.get(), LineSchedule(plan->pattern, start, options_.count),
                                    plan->spec.text});
      ++plan;
    }
    std::optional<Duration> watchdog;
    if (notify_.watchdog_interval) {
      watchdog = *notify_.watchdog_interval;
      logger_.info("systemd watchdog: pinging every {}", format_duration(*watchdog));
    }
    BlinkLoop loop(std::move(loop_lines), events_, *notify_.notifier, logger_, watchdog, start);

    const std::string status =
        fmt::format("Blinking {} line{}", lines_.size(), lines_.size() == 1 ? "" : "s");
    (void)notify_.notifier->send(fmt::format("READY=1\nSTATUS={}", status));
    logger_.notice("ready: {}", status);

    LoopResult result;
    try {
      result = loop.run();
    } catch (const hal::Error& error) {
      logger_.info("{}", loop.stats_line(events_.now()));
      return fail(error.what(), loop.failed_line());
    }

    (void)notify_.notifier->send("STOPPING=1\nSTATUS=Stopping: driving lines to their safe level");
    const bool all_off = drive_all_off(lines_, logger_);
    lines_.clear();
    logger_.info("{}", loop.stats_line(events_.now()));
    if (!all_off) {
      logger_.error("stopped, but not every line reached its safe level");
      return kExitFailure;
    }
    if (!result.shortfall.empty()) {
      logger_.error(
          "{}: the machine woke too late for the on-edges (see the overrun warnings); "
          "a longer --on helps",
          result.shortfall);
      return kExitFailure;
    }
    if (result.reason == StopReason::Signal) {
      logger_.notice("{} received: every line is off and released; exiting",
                     signal_name(result.signal));
    } else {
      logger_.notice("done: {} blink{} per line; every line is off and released", *options_.count,
                     *options_.count == 1 ? "" : "s");
    }
    return kExitOk;
  }

 private:
  void open_lines() {
    backend_ = hal::make_backend(options_.backend, backend_options(options_, events_, logger_));
    logger_.info("backend: {}", backend_->name());

    // Resolve everything before touching anything: a typo in the third line must not
    // leave the first two exported.
    std::vector<hal::ResolvedLine> resolved;
    for (const auto& plan : options_.lines) {
      resolved.push_back(backend_->resolve(plan.spec));
      for (std::size_t i = 0; i + 1 < resolved.size(); ++i) {
        if (resolved[i].same_line(resolved.back())) {
          throw hal::Error(fmt::format("line '{}'", plan.spec.text),
                           fmt::format("is the same line as '{}' ({})", options_.lines[i].spec.text,
                                       resolved.back().describe()));
        }
      }
    }
    for (const auto& plan : options_.lines) {
      if (!events_.pause(Duration::zero())) {
        throw hal::Interrupted();
      }
      lines_.push_back(backend_->open_output(plan.spec, plan.settings, false));
      logger_.info("line '{}': {}; {}", plan.spec.text, lines_.back()->resolved().describe(),
                   describe_pattern(plan, options_.count));
    }
  }

  int stopped_during_setup() {
    (void)notify_.notifier->send("STOPPING=1\nSTATUS=Stopping during setup");
    const bool all_off = drive_all_off(lines_, logger_);
    const std::size_t opened = lines_.size();
    lines_.clear();
    if (!all_off) {
      logger_.error("stopped during setup, but not every line reached its safe level");
      return kExitFailure;
    }
    logger_.notice("{} received during setup: {}; exiting", signal_name(events_.stop_signal()),
                   opened == 0
                       ? std::string("no line was opened yet")
                       : fmt::format("the {} line{} opened so far {} off and released", opened,
                                     opened == 1 ? "" : "s", opened == 1 ? "is" : "are"));
    return kExitOk;
  }

  int fail(const std::string& message, std::optional<std::size_t> broken = std::nullopt) {
    logger_.error("{}", message);
    (void)notify_.notifier->send(fmt::format("STATUS=Failed: {}", message));
    drive_all_off(lines_, logger_, broken);
    lines_.clear();
    return kExitFailure;
  }

  const Options& options_;
  const Logger& logger_;
  NotifySetup notify_;
  SystemEvents& events_;
  std::unique_ptr<hal::Backend> backend_;
  std::vector<std::unique_ptr<hal::OutputLine>> lines_;
};

}  // namespace

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

hal::BackendOptions backend_options(const Options& options, SystemEvents& events,
                                    const Logger& logger) {
  hal::BackendOptions backend;
  backend.settings = options.backend_settings;
  backend.log = logger.sink();
  backend.pause = events.pauser();
  return backend;
}

int run_daemon(const Options& options, const Environment& environment, SystemEvents& events,
               const Logger& logger) {
  Daemon daemon(options, environment, events, logger);
  return daemon.run();
}

}  // namespace blinkd
