// SPDX-License-Identifier: MIT
#include "daemon.hpp"

#include <unistd.h>

#include <vector>

#include <fmt/format.h>

#include "hal/registry.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

std::string describe_pattern(const LinePlan& plan, std::optional<std::uint64_t> count) {
  std::string text = fmt::format("on {}, off {}", format_duration(plan.pattern.on),
                                 format_duration(plan.pattern.off));
  if (plan.pattern.phase > Duration::zero()) {
    text += fmt::format(", phase {}", format_duration(plan.pattern.phase));
  }
  if (count) {
    text += fmt::format(", {} blink{}", *count, *count == 1 ? "" : "s");
  }
  return text;
}

class Daemon {
 public:
  Daemon(const Options& options, const DaemonContext& context)
      : options_(options), context_(context), logger_(context.logger) {}

  int run() {
    logger_.info("gpio-blinkd {} starting (pid {}), {} line{}", kVersion, ::getpid(),
                 options_.lines.size(), options_.lines.size() == 1 ? "" : "s");
    notify("STATUS=Setting up GPIO lines");
    try {
      return blink(open_lines());
    } catch (const hal::Interrupted&) {
      // The lines opened so far were released by their owner on the way here.
      logger_.notice(
          "{} received during setup: every line opened so far is off and released; "
          "exiting",
          signal_name(context_.events.stop_signal()));
      notify("STOPPING=1\nSTATUS=Stopped during setup");
      return kExitOk;
    } catch (const std::exception& error) {
      return fail(error.what());
    }
  }

 private:
  // Resolve every line with one look at the chips, then open them all: a typo in the
  // third line leaves the first two untouched.
  [[nodiscard]] hal::Lines open_lines() {
    backend_ = context_.make_backend(backend_options(options_, context_.events, logger_));
    logger_.info("backend: {}", backend_->name());
    std::vector<hal::LineSpec> specs;
    for (const auto& plan : options_.lines) {
      specs.push_back(plan.spec);
    }
    const std::vector<hal::ResolvedLine> resolved = backend_->resolve(specs);
    std::vector<hal::LineRequest> requests;
    for (std::size_t i = 0; i < resolved.size(); ++i) {
      const LinePlan& plan = options_.lines[i];
      requests.push_back(hal::LineRequest{resolved[i], plan.settings, plan.spec.text});
      logger_.info("line '{}': {}; {}", plan.spec.text, resolved[i].describe(),
                   describe_pattern(plan, options_.count));
    }
    return backend_->open(requests);
  }

  int blink(hal::Lines lines) {
    const Instant start = context_.events.now();
    std::vector<LoopLine> rows;
    for (const auto& plan : options_.lines) {
      rows.push_back(LoopLine{plan.spec.text, LineSchedule(plan.pattern, start, options_.count)});
    }
    if (context_.watchdog) {
      logger_.info("systemd watchdog: pinging every {}", format_duration(*context_.watchdog));
    }
    BlinkLoop loop(std::move(lines), std::move(rows), context_.events, context_.notifier, logger_,
                   context_.watchdog, start);

    const std::string status = fmt::format("Blinking {} line{}", options_.lines.size(),
                                           options_.lines.size() == 1 ? "" : "s");
    notify(fmt::format("READY=1\nSTATUS={}", status));
    logger_.notice("ready: {}", status);

    LoopResult result;
    try {
      result = loop.run();
    } catch (const std::exception& error) {
      // Any failure, not only the HAL's: the cause first, then every line off.
      logger_.error("{}", error.what());
      notify(fmt::format("STATUS=Failed: {}", error.what()));
      report(loop.release());
      logger_.info("{}", loop.stats_line(context_.events.now()));
      return kExitFailure;
    }

    notify("STOPPING=1\nSTATUS=Stopping: driving lines to their safe level");
    const bool all_off = report(loop.release());
    logger_.info("{}", loop.stats_line(context_.events.now()));
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

  // Logs the lines that did not reach their safe level; true when all did.
  bool report(const std::vector<std::string>& failures) const {
    for (const auto& failure : failures) {
      logger_.error("{}", failure);
    }
    return failures.empty();
  }

  int fail(const std::string& message) {
    logger_.error("{}", message);
    notify(fmt::format("STATUS=Failed: {}", message));
    return kExitFailure;
  }

  void notify(const std::string& state) const { (void)context_.notifier.send(state); }

  const Options& options_;
  const DaemonContext& context_;
  const Logger& logger_;
  std::unique_ptr<hal::Backend> backend_;
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

hal::BackendOptions backend_options(const Options& options, EventSource& events,
                                    const Logger& logger) {
  hal::BackendOptions backend;
  backend.settings = options.backend_settings;
  backend.log = logger.sink();
  backend.pause = pauser(events);
  return backend;
}

int run_daemon(const Options& options, const DaemonContext& context) {
  Daemon daemon(options, context);
  return daemon.run();
}

int run_daemon(const Options& options, const Environment& environment, EventSource& events,
               const Logger& logger) {
  const NotifySetup notify = notify_from_environment(environment, static_cast<int>(::getpid()));
  if (!notify.problem.empty()) {
    logger.warning("{}", notify.problem);
  }
  if (!notify.note.empty()) {
    logger.info("{}", notify.note);
  }
  const std::string backend = options.backend;
  const DaemonContext context{
      [&backend](const hal::BackendOptions& backend_options) {
        return hal::make_backend(backend, backend_options);
      },
      *notify.notifier,
      notify.watchdog_interval ? std::optional<Duration>(*notify.watchdog_interval) : std::nullopt,
      events, logger};
  return run_daemon(options, context);
}

}  // namespace blinkd
