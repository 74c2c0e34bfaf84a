// SPDX-License-Identifier: MIT
#include "notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "hal/text.hpp"

namespace blinkd {
namespace {

constexpr unsigned long long kMaxPid = 4'194'304;  // PID_MAX_LIMIT
// sun_path holds 108 bytes: a path and its NUL, or a NUL and an abstract name.
constexpr std::size_t kMaxAddress = sizeof(sockaddr_un::sun_path) - 1;

enum class Parsed : std::uint8_t { Ok, NotANumber, TooLarge };

Parsed parse_number(const std::string& text, unsigned long long& value) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return Parsed::NotANumber;
  }
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return Parsed::TooLarge;
  }
  return ec == std::errc{} && ptr == text.data() + text.size() ? Parsed::Ok : Parsed::NotANumber;
}

}  // namespace

SocketNotifier::SocketNotifier(std::string address)
    : address_(std::move(address)), socket_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}

int SocketNotifier::send(std::string_view state) {
  if (!socket_.valid()) {
    return EBADF;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (address_.size() >= sizeof address.sun_path) {
    return ENAMETOOLONG;
  }
  std::memcpy(address.sun_path, address_.data(), address_.size());
  auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address_.size());
  if (address_.front() == '@') {
    address.sun_path[0] = '\0';  // abstract namespace: no trailing NUL counted
  } else {
    ++length;  // a path includes its terminating NUL
  }
  const ssize_t sent = hal::retry_eintr([&] {
    return ::sendto(socket_.get(), state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&address), length);  // NOLINT: sockets API
  });
  return sent < 0 ? errno : 0;
}

NotifySetup notify_from_environment(const Environment& environment, int own_pid) {
  NotifySetup setup;
  auto socket = environment.find("NOTIFY_SOCKET");
  if (socket == environment.end() || socket->second.empty()) {
    setup.notifier = std::make_unique<NullNotifier>();
    return setup;
  }
  const std::string& address = socket->second;
  if (address.front() != '/' && address.front() != '@') {
    setup.notifier = std::make_unique<NullNotifier>();
    setup.problem = fmt::format(
        "NOTIFY_SOCKET '{}': expected an absolute path or '@' and an abstract name; not "
        "notifying",
        hal::printable(address));
    return setup;
  }
  if (address.size() > kMaxAddress) {
    setup.notifier = std::make_unique<NullNotifier>();
    setup.problem = fmt::format(
        "NOTIFY_SOCKET '{}': {} bytes long, a socket address holds at most {}; not notifying",
        hal::printable(address), address.size(), kMaxAddress);
    return setup;
  }
  setup.notifier = std::make_unique<SocketNotifier>(address);

  auto usec = environment.find("WATCHDOG_USEC");
  if (usec == environment.end()) {
    return setup;
  }
  auto pid = environment.find("WATCHDOG_PID");
  if (pid != environment.end()) {
    unsigned long long owner = 0;
    if (parse_number(pid->second, owner) != Parsed::Ok || owner == 0 || owner > kMaxPid) {
      setup.problem = fmt::format(
          "WATCHDOG_PID '{}': expected a process id from 1 to {}; "
          "watchdog off",
          hal::printable(pid->second), kMaxPid);
      return setup;
    }
    if (owner != static_cast<unsigned long long>(own_pid)) {
      return setup;  // the watchdog is another process's
    }
  }
  unsigned long long timeout = 0;
  const Parsed parsed = parse_number(usec->second, timeout);
  if (parsed == Parsed::NotANumber || (parsed == Parsed::Ok && timeout == 0)) {
    setup.problem =
        fmt::format("WATCHDOG_USEC '{}': expected a positive number of microseconds; watchdog off",
                    hal::printable(usec->second));
    return setup;
  }
  // Half the timeout, as sd_watchdog_enabled(3) advises, within bounds.
  const unsigned long long half = parsed == Parsed::TooLarge ? ~0ULL : timeout / 2;
  const auto longest = static_cast<unsigned long long>(kLongestPing.count());
  const auto shortest = static_cast<unsigned long long>(kShortestPing.count());
  if (half > longest) {
    setup.watchdog_interval = kLongestPing;
    setup.note = fmt::format("WATCHDOG_USEC '{}': pinging every {} (the longest interval used)",
                             hal::printable(usec->second), format_duration(kLongestPing));
  } else if (half < shortest) {
    setup.watchdog_interval = kShortestPing;
    setup.problem = fmt::format(
        "WATCHDOG_USEC '{}': too short to honour; pinging every {}, which may be too late for "
        "the service manager (raise WatchdogSec=)",
        hal::printable(usec->second), format_duration(kShortestPing));
  } else {
    setup.watchdog_interval = std::chrono::microseconds(half);
  }
  return setup;
}

}  // namespace blinkd
