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
  void wait_until(Instant deadline) override;
  SignalEvents take_signals() override;

 private:
  sigset_t previous_mask_{};
  sigset_t sleep_mask_{};  // the mask while sleeping: the handled signals let through
};

}  // namespace blinkd
