// gpio-blinkd: options -> lines -> scheduler -> event loop.
// Exit status: 0 after a stop signal or a finished --count, 1 on every error (bad
// arguments included), so Docker's and systemd's restart policies apply.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "blink_loop.hpp"
#include "chip_listing.hpp"
#include "hal/registry.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "options.hpp"
#include "signals.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;

std::string backend_names() {
  std::string names;
  for (const auto& backend : hal::backends()) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", backend.name);
  }
  return names;
}

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

// Drive every line to its safe level (logically off). Returns false when one failed;
// the others are still tried.
bool drive_all_off(const std::vector<std::unique_ptr<hal::OutputLine>>& lines, const Logger& logger,
                   std::optional<std::size_t> broken = std::nullopt) {
  bool all_off = true;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (index == broken) {
      continue;  // its failure was reported already and would only repeat
    }
    const auto& line = lines[index];
    try {
      line->set(false);
    } catch (const hal::Error& error) {
      logger.error("could not drive to the safe level: {}", error.what());
      all_off = false;
    }
  }
  return all_off;
}

class Daemon {
 public:
  Daemon(const Options& options, const Environment& environment)
      : options_(options),
        logger_(STDERR_FILENO, options.log_level, detect_log_style(STDERR_FILENO, environment)),
        notify_(notify_from_environment(environment, static_cast<int>(::getpid()))) {}

  int run() {
    if (!notify_.problem.empty()) {
      logger_.warning("{}", notify_.problem);
    }
    logger_.info("gpio-blinkd {} starting (pid {}), {} line{}", kVersion, ::getpid(),
                 options_.lines.size(), options_.lines.size() == 1 ? "" : "s");
    (void)notify_.notifier->send("STATUS=Setting up GPIO lines");
    try {
      open_lines();
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
    hal::BackendOptions backend_options;
    backend_options.sysfs_root = options_.sysfs_root;
    backend_options.permission_wait = options_.permission_wait;
    backend_options.unexport_on_release = options_.unexport;
    backend_options.log = logger_.sink();
    backend_ = hal::make_backend(options_.backend, backend_options);
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
      lines_.push_back(backend_->open_output(plan.spec, plan.settings, false));
      logger_.info("line '{}': {}; {}", plan.spec.text, lines_.back()->resolved().describe(),
                   describe_pattern(plan, options_.count));
    }
  }

  int fail(const std::string& message, std::optional<std::size_t> broken = std::nullopt) {
    logger_.error("{}", message);
    (void)notify_.notifier->send(fmt::format("STATUS=Failed: {}", message));
    drive_all_off(lines_, logger_, broken);
    lines_.clear();
    return kExitFailure;
  }

  const Options& options_;
  Logger logger_;
  NotifySetup notify_;
  SystemEvents events_;  // blocks the handled signals from here on
  std::unique_ptr<hal::Backend> backend_;
  std::vector<std::unique_ptr<hal::OutputLine>> lines_;
};

void print_version() {
  fmt::print("gpio-blinkd {}\nbackends: {}\n", kVersion, backend_names());
  for (const auto& backend : hal::backends()) {
    fmt::print("  {:<6} {}\n", backend.name, backend.summary);
  }
}

int list_chips(const Options& options, const Environment& environment) {
  const Logger logger(STDERR_FILENO, options.log_level,
                      detect_log_style(STDERR_FILENO, environment));
  hal::BackendOptions backend_options;
  backend_options.sysfs_root = options.sysfs_root;
  backend_options.log = logger.sink();
  try {
    auto backend = hal::make_backend(options.backend, backend_options);
    const std::string listing = format_chip_listing(backend->list_chips());
    fmt::print("{}(backend {})\n", listing, backend->name());
    return kExitOk;
  } catch (const hal::Error& error) {
    logger.error("{}", error.what());
    return kExitFailure;
  }
}

void print_usage_error(const std::string& message, const Environment& environment) {
  const std::string line =
      detect_log_style(STDERR_FILENO, environment) == LogStyle::Journal
          ? fmt::format("<3>{} (see gpio-blinkd --help)\n", message)
          : fmt::format("gpio-blinkd: error: {} (see gpio-blinkd --help)\n", message);
  (void)std::fputs(line.c_str(), stderr);
}

}  // namespace
}  // namespace blinkd

int main(int argc, char** argv) {
  using namespace blinkd;
  const Environment environment = current_environment();
  try {
    const ParsedCommandLine parsed = parse_command_line(
        std::span<const char* const>(argv + 1, static_cast<std::size_t>(argc - 1)), environment);
    switch (parsed.action) {
      case Action::Help:
        (void)std::fputs(help_text().c_str(), stdout);
        return kExitOk;
      case Action::Version:
        print_version();
        return kExitOk;
      case Action::List:
        return list_chips(parsed.options, environment);
      case Action::Run:
        break;
    }
    Daemon daemon(parsed.options, environment);
    return daemon.run();
  } catch (const UsageError& error) {
    print_usage_error(error.what(), environment);
    return kExitFailure;
  } catch (const std::exception& error) {
    (void)std::fputs(fmt::format("gpio-blinkd: error: {}\n", error.what()).c_str(), stderr);
    return kExitFailure;
  }
}
