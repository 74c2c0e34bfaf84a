// SPDX-License-Identifier: MIT
#include "daemon.hpp"

#include <unistd.h>

#include <vector>

#include <fmt/format.h>

#include "control_socket.hpp"
#include "hal/registry.hpp"
#include "version.hpp"

namespace blinkd {
namespace {

std::string describe_pattern(const LinePlan& plan, std::optional<std::uint64_t> count) {
  std::string text = fmt::format("{} ({})", plan.pattern.text, describe_segments(plan.pattern));
  if (plan.pattern.phase > Duration::zero()) {
    text += fmt::format(", phase {}", format_duration(plan.pattern.phase));
  }
  for (const auto& [name, pattern] : plan.states) {
    text += fmt::format(", state {}: {}", name, pattern.text);
  }
  if (count) {
    text += fmt::format(", {} cycle{}", *count, *count == 1 ? "" : "s");
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
      set_up_control();
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
    resolved_ = backend_->resolve(specs);
    std::vector<hal::LineRequest> requests;
    for (std::size_t i = 0; i < resolved_.size(); ++i) {
      const LinePlan& plan = options_.lines[i];
      requests.push_back(hal::LineRequest{resolved_[i], plan.settings, plan.spec.text});
      logger_.info("line '{}': {}; {}", plan.spec.text, resolved_[i].describe(),
                   describe_pattern(plan, options_.count));
    }
    return backend_->open(requests);
  }

  // The control socket (systemd's, or one bound here) and the state file beside it. An
  // explicit --control that fails is fatal; the default one is a warning.
  void set_up_control() {
    if (context_.environment == nullptr) {
      return;
    }
    const Environment& environment = *context_.environment;
    const ControlSocket& wanted = options_.control;
    std::string problem;
    std::optional<ListeningSocket> socket =
        activated_socket(environment, static_cast<pid_t>(::getpid()), problem);
    if (!problem.empty()) {
      logger_.warning("{}", problem);
    }
    if (socket && wanted.kind == ControlSocket::Kind::None) {
      logger_.notice("control socket: systemd passed one, but --control none: not used");
      socket.reset();
    } else if (socket && wanted.kind == ControlSocket::Kind::Path && wanted.path != socket->where) {
      logger_.notice("control socket: using the one systemd passed ({}), not --control {}",
                     socket->where, wanted.path);
    }
    if (!socket && wanted.kind != ControlSocket::Kind::None) {
      std::optional<gid_t> group;
      if (!wanted.group.empty()) {
        group = resolve_group(wanted.group);
      }
      const std::optional<std::string> path = wanted.kind == ControlSocket::Kind::Path
                                                  ? std::optional<std::string>(wanted.path)
                                                  : default_control_path(environment, ::getuid());
      if (!path) {
        logger_.notice("no control socket: XDG_RUNTIME_DIR is not set (give --control PATH)");
      } else {
        try {
          socket = bind_control_socket(*path, group);
        } catch (const hal::Error& error) {
          if (wanted.kind == ControlSocket::Kind::Path) {
            throw;
          }
          logger_.warning("no control socket: {}; the lines blink without one", error.what());
        }
      }
    }
    std::optional<std::filesystem::path> state_path;
    if (options_.state_file) {
      if (*options_.state_file != "none") {
        state_path = *options_.state_file;
      }
    } else if (auto runtime = environment.find("RUNTIME_DIRECTORY");
               runtime != environment.end() && runtime->second.starts_with('/')) {
      state_path =
          std::filesystem::path(runtime->second.substr(0, runtime->second.find(':'))) / "state";
    } else if (socket && socket->where.starts_with('/')) {
      state_path = std::filesystem::path(socket->where).parent_path() / "state";
    }
    if (socket) {
      server_.emplace(std::move(socket->fd), socket->where, socket->ours);
    }
    if (state_path) {
      store_.emplace(*state_path, current_boot_id(), configuration_fingerprint(options_));
    }
  }

  int blink(hal::Lines lines) {
    const Instant start = context_.events.now();
    LineTable table(options_.lines, std::move(resolved_), start, options_.count,
                    options_.initial_state);
    if (store_) {
      std::vector<std::string> notices;
      if (auto snapshot = store_->load(notices)) {
        for (const auto& problem : table.restore(*snapshot, start)) {
          notices.push_back(
              fmt::format("state file {}: {}; not restored", store_->path().string(), problem));
        }
        logger_.notice("state file {}: restored what was asked before the restart{}",
                       store_->path().string(),
                       snapshot->state ? fmt::format(" (state {})", *snapshot->state) : "");
      }
      for (const auto& notice : notices) {
        logger_.notice("{}", notice);
      }
    }
    if (context_.watchdog) {
      logger_.info("systemd watchdog: pinging every {}", format_duration(*context_.watchdog));
    }
    BlinkLoop loop(std::move(lines), std::move(table), context_.events, context_.notifier, logger_,
                   context_.watchdog, start,
                   LoopControl{server_ ? &*server_ : nullptr, store_ ? &*store_ : nullptr});

    const std::string status = loop.status_text();
    notify(fmt::format("READY=1\nSTATUS={}", status));
    logger_.notice("ready: {}{}", status,
                   server_ ? fmt::format("; control socket {}", server_->where()) : std::string());

    LoopResult result;
    try {
      result = loop.run();
    } catch (const std::exception& error) {
      // Any failure, not only the HAL's: the cause first, then every line off.
      logger_.error("{}", error.what());
      notify(fmt::format("STATUS=Failed: {}", error.what()));
      (void)report(loop.release());
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
  [[nodiscard]] bool report(const std::vector<std::string>& failures) const {
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
  std::vector<hal::ResolvedLine> resolved_;
  std::optional<ControlServer> server_;
  std::optional<StateStore> store_;
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
      events,
      logger,
      &environment};
  return run_daemon(options, context);
}

}  // namespace blinkd
