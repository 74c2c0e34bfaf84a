// SPDX-License-Identifier: MIT
#include "signals.hpp"

#include <poll.h>
#include <sys/prctl.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <ctime>

namespace blinkd {
namespace {

constexpr std::array kStopSignals{SIGTERM, SIGINT, SIGHUP};

volatile std::sig_atomic_t g_stop_signal = 0;
volatile std::sig_atomic_t g_stats_requested = 0;

extern "C" void on_stop_signal(int signal) {
  g_stop_signal = signal;
}
extern "C" void on_stats_signal(int /*signal*/) {
  g_stats_requested = 1;
}

void install(int signal, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  ::sigaction(signal, &action, nullptr);
}

}  // namespace

SystemEvents::SystemEvents() {
  sigset_t handled;
  sigemptyset(&handled);
  for (int signal : kStopSignals) {
    sigaddset(&handled, signal);
  }
  sigaddset(&handled, SIGUSR1);
  ::sigprocmask(SIG_BLOCK, &handled, &previous_mask_);
  sleep_mask_ = previous_mask_;
  for (int signal : kStopSignals) {
    sigdelset(&sleep_mask_, signal);
    install(signal, on_stop_signal);
  }
  sigdelset(&sleep_mask_, SIGUSR1);
  install(SIGUSR1, on_stats_signal);
  // stderr may be a pipe whose reader went away; that is no reason to die.
  install(SIGPIPE, SIG_IGN);
  // Wake-ups as close to the deadline as the kernel can make them (default slack 50us).
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

SystemEvents::~SystemEvents() {
  ::sigprocmask(SIG_SETMASK, &previous_mask_, nullptr);
}

Instant SystemEvents::now() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

void SystemEvents::wait_until(Instant deadline, std::span<pollfd> fds) {
  for (auto& fd : fds) {
    fd.revents = 0;
  }
  const Instant current = now();
  const Duration left = deadline > current ? deadline - current : Duration::zero();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
  const timespec timeout{static_cast<time_t>(seconds.count()),
                         static_cast<long>((left - seconds).count())};
  // Returns at the deadline, when a descriptor is ready, or -1/EINTR after a handler
  // ran; either way the loop looks at the clock and the signal flags next.
  ::ppoll(fds.data(), fds.size(), deadline == kNever ? nullptr : &timeout, &sleep_mask_);
}

bool SystemEvents::pause(Duration duration) {
  if (g_stop_signal != 0) {
    return false;
  }
  wait_until(now() + duration, {});
  return g_stop_signal == 0;
}

int SystemEvents::stop_signal() const {
  return g_stop_signal;
}

hal::Pause pauser(EventSource& events) {
  return [&events](std::chrono::nanoseconds duration) { return events.pause(duration); };
}

SignalEvents SystemEvents::take_signals() {
  SignalEvents events;
  events.stop_signal = g_stop_signal;
  if (g_stats_requested != 0) {
    g_stats_requested = 0;
    events.stats = true;
  }
  return events;
}

}  // namespace blinkd
