// SPDX-License-Identifier: MIT
// The real clock and signals. SIGTERM, SIGINT, SIGHUP and SIGUSR1 stay blocked except
// while the loop sleeps in ppoll(2), which unblocks them atomically: a signal is never
// lost between checking for it and going to sleep, even as PID 1 in a container.
#pragma once

#include <csignal>

#include "blink_loop.hpp"

namespace blinkd {

class SystemEvents final : public EventSource {
 public:
  // Blocks the handled signals and installs their handlers. One instance per process.
  SystemEvents();
  ~SystemEvents() override;
  SystemEvents(const SystemEvents&) = delete;
  SystemEvents& operator=(const SystemEvents&) = delete;
  SystemEvents(SystemEvents&&) = delete;
  SystemEvents& operator=(SystemEvents&&) = delete;

  [[nodiscard]] Instant now() override;
  using EventSource::wait_until;
  void wait_until(Instant deadline, std::span<pollfd> fds) override;
  SignalEvents take_signals() override;

  // Sleeps up to `duration` (0: only lets pending signals in); false once a stop signal
  // has arrived. Setup, listing and output wait through this, so a stop is honoured at
  // any moment.
  bool pause(Duration duration) override;
  [[nodiscard]] int stop_signal() const override;

 private:
  sigset_t previous_mask_{};
  sigset_t sleep_mask_{};  // the mask while sleeping: the handled signals let through
};

// events.pause() for the HAL and for output that waits for its reader.
[[nodiscard]] hal::Pause pauser(EventSource& events);

}  // namespace blinkd
