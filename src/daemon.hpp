// SPDX-License-Identifier: MIT
// The daemon's run: open the lines, blink them, and stop with every line at its safe
// level, whatever ends it.
#pragma once

#include "log.hpp"
#include "options.hpp"
#include "signals.hpp"

namespace blinkd {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

// Runs until a stop signal, a finished --count or an error; returns the exit status.
[[nodiscard]] int run_daemon(const Options& options, const Environment& environment,
                             SystemEvents& events, const Logger& logger);

// The backend's settings and hooks for this process.
[[nodiscard]] hal::BackendOptions backend_options(const Options& options, SystemEvents& events,
                                                  const Logger& logger);

[[nodiscard]] const char* signal_name(int signal);

}  // namespace blinkd
