// SPDX-License-Identifier: MIT
// `gpio-blinkd ctl`: the client of the control socket (docs/control.md).
#pragma once

#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "options.hpp"

namespace blinkd {

// Where `gpio-blinkd ctl` looks when neither --control nor GPIO_BLINKD_CONTROL says, in
// order: for root the system socket; for others their own daemon's
// ($XDG_RUNTIME_DIR/gpio-blinkd/control, when XDG_RUNTIME_DIR is set), then the system
// daemon's, which group gpio may use. ctl takes the first that exists.
[[nodiscard]] std::vector<std::string> ctl_candidate_paths(const Environment& environment,
                                                           uid_t uid);

// `gpio-blinkd ctl [--control PATH] [--timeout DUR] COMMAND...`: prints the reply's data
// lines to stdout and the final line's message (errors to stderr). Exit 0 for ok, 1 for
// error, 2 when no daemon could be reached or no reply came.
[[nodiscard]] int run_ctl(std::span<const char* const> args, const Environment& environment);

}  // namespace blinkd
