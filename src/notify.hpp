// SPDX-License-Identifier: MIT
// The systemd notification protocol (sd_notify(3)): datagrams to $NOTIFY_SOCKET.
// Debian ships no static libsystemd, and the protocol is small and stable.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hal/posix_file.hpp"
#include "options.hpp"

namespace blinkd {

class Notifier {
 public:
  Notifier() = default;
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  Notifier(Notifier&&) = delete;
  Notifier& operator=(Notifier&&) = delete;
  virtual ~Notifier() = default;

  // Send "READY=1", "STATUS=...", "WATCHDOG=1" or several, newline-separated.
  // Returns 0 or the errno of the failed send; never throws.
  virtual int send(std::string_view state) = 0;
};

// Sends nothing: no service manager is listening (hand start, Docker).
class NullNotifier final : public Notifier {
 public:
  int send(std::string_view /*state*/) override { return 0; }
};

class SocketNotifier final : public Notifier {
 public:
  // `address` as in $NOTIFY_SOCKET: a path, or '@' + an abstract name.
  explicit SocketNotifier(std::string address);
  int send(std::string_view state) override;
  [[nodiscard]] const std::string& address() const { return address_; }

 private:
  std::string address_;
  hal::UniqueFd socket_;
};

struct NotifySetup {
  std::unique_ptr<Notifier> notifier;
  std::optional<std::chrono::microseconds> watchdog_interval;  // how often to ping
  std::string problem;  // a malformed variable, to log as a warning; empty when fine
  std::string note;     // a value adjusted to what can be honoured, to log as info
};

// Bounds of the ping interval: never a ping storm, never a wait longer than the clock
// and the schedule arithmetic are meant for.
inline constexpr std::chrono::microseconds kShortestPing = std::chrono::milliseconds(1);
inline constexpr std::chrono::microseconds kLongestPing = std::chrono::hours(1);

// From NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (variables the service manager
// sets, so a bad one is a warning and the feature is off, never a refusal to start):
// the watchdog is ours only when WATCHDOG_PID is unset or names this process; we ping
// at half the timeout, within [kShortestPing, kLongestPing].
[[nodiscard]] NotifySetup notify_from_environment(const Environment& environment, int own_pid);

}  // namespace blinkd
