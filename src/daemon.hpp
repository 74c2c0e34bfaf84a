// SPDX-License-Identifier: MIT
// The daemon's run: resolve and open the lines, blink them, and stop with every line at
// its safe level, whatever ends it.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "blink_loop.hpp"
#include "log.hpp"
#include "notify.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace blinkd {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

// What a run works with; the real ones come from the environment, tests inject fakes.
struct DaemonContext {
  std::function<std::unique_ptr<hal::Backend>(const hal::BackendOptions&)> make_backend;
  Notifier& notifier;
  std::optional<Duration> watchdog;  // ping interval, when systemd wants pings
  EventSource& events;
  const Logger& logger;
};

// Runs until a stop signal, a finished --count or an error; returns the exit status.
[[nodiscard]] int run_daemon(const Options& options, const DaemonContext& context);

// The same with the real backend registry, notify socket and watchdog of `environment`.
[[nodiscard]] int run_daemon(const Options& options, const Environment& environment,
                             EventSource& events, const Logger& logger);

// The backend's settings and hooks for this process.
[[nodiscard]] hal::BackendOptions backend_options(const Options& options, EventSource& events,
                                                  const Logger& logger);

[[nodiscard]] const char* signal_name(int signal);

}  // namespace blinkd
