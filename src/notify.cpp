#include "notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace blinkd {
namespace {

std::optional<unsigned long long> parse_number(const std::string& text) {
  unsigned long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
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
  ssize_t sent = 0;
  do {
    sent = ::sendto(socket_.get(), state.data(), state.size(), MSG_NOSIGNAL,
                    reinterpret_cast<const sockaddr*>(&address), length);  // NOLINT: sockets API
  } while (sent < 0 && errno == EINTR);
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
        address);
    return setup;
  }
  setup.notifier = std::make_unique<SocketNotifier>(address);

  auto usec = environment.find("WATCHDOG_USEC");
  if (usec == environment.end()) {
    return setup;
  }
  auto pid = environment.find("WATCHDOG_PID");
  if (pid != environment.end()) {
    auto owner = parse_number(pid->second);
    if (!owner) {
      setup.problem =
          fmt::format("WATCHDOG_PID '{}': expected a process id; watchdog off", pid->second);
      return setup;
    }
    if (*owner != static_cast<unsigned long long>(own_pid)) {
      return setup;  // the watchdog is another process's
    }
  }
  auto timeout = parse_number(usec->second);
  if (!timeout || *timeout == 0) {
    setup.problem =
        fmt::format("WATCHDOG_USEC '{}': expected a positive number of microseconds; watchdog off",
                    usec->second);
    return setup;
  }
  // Half the timeout, as sd_watchdog_enabled(3) advises; never zero, however small.
  setup.watchdog_interval =
      std::chrono::microseconds(std::max<unsigned long long>(*timeout / 2, 1));
  return setup;
}

}  // namespace blinkd
