#include <doctest/doctest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <string>

#include "notify.hpp"
#include "scheduler.hpp"
#include "support/temp_dir.hpp"

using namespace std::chrono_literals;
using blinkd::notify_from_environment;
using blinkd::SocketNotifier;

namespace {

// A service manager's end: a datagram socket bound to a path or an abstract name.
class ListeningSocket {
 public:
  explicit ListeningSocket(const std::string& address)
      : fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un where{};
    where.sun_family = AF_UNIX;
    std::memcpy(where.sun_path, address.data(), address.size());
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + address.size());
    if (address.front() == '@') {
      where.sun_path[0] = '\0';
    } else {
      ++length;
    }
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&where), length) == 0);
    timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ListeningSocket(const ListeningSocket&) = delete;
  ListeningSocket& operator=(const ListeningSocket&) = delete;
  ListeningSocket(ListeningSocket&&) = delete;
  ListeningSocket& operator=(ListeningSocket&&) = delete;
  ~ListeningSocket() { ::close(fd_); }

  std::string receive() const {
    std::array<char, 4096> buffer{};
    const ssize_t size = ::recv(fd_, buffer.data(), buffer.size(), 0);
    return size < 0 ? std::string("<nothing received>")
                    : std::string(buffer.data(), static_cast<size_t>(size));
  }

 private:
  int fd_;
};

}  // namespace

TEST_CASE("notifications reach a socket bound to a path one datagram each") {
  test_support::TempDir dir;
  const std::string path = (dir.path() / "notify").string();
  ListeningSocket manager(path);
  SocketNotifier notifier(path);
  CHECK(notifier.send("READY=1\nSTATUS=Blinking 1 line") == 0);
  CHECK(notifier.send("WATCHDOG=1") == 0);
  CHECK(manager.receive() == "READY=1\nSTATUS=Blinking 1 line");
  CHECK(manager.receive() == "WATCHDOG=1");
}

TEST_CASE("an '@' address is the abstract namespace without a trailing NUL") {
  const std::string name = "@gpio-blinkd-test-" + std::to_string(::getpid());
  ListeningSocket manager(name);
  SocketNotifier notifier(name);
  CHECK(notifier.send("STOPPING=1") == 0);
  CHECK(manager.receive() == "STOPPING=1");
}

TEST_CASE("a send to a socket nobody listens on reports the errno instead of throwing") {
  test_support::TempDir dir;
  SocketNotifier notifier((dir.path() / "nobody").string());
  CHECK(notifier.send("READY=1") == ENOENT);
}

TEST_CASE("without NOTIFY_SOCKET nothing is sent and there is no watchdog") {
  const auto setup = notify_from_environment({}, 42);
  REQUIRE(setup.notifier);
  CHECK(setup.notifier->send("READY=1") == 0);
  CHECK_FALSE(setup.watchdog_interval.has_value());
  CHECK(setup.problem.empty());
}

TEST_CASE("the watchdog is pinged at half of WATCHDOG_USEC only when it is ours") {
  const blinkd::Environment base{{"NOTIFY_SOCKET", "@x"}, {"WATCHDOG_USEC", "10000000"}};
  CHECK(notify_from_environment(base, 42).watchdog_interval == 5s);

  auto mine = base;
  mine["WATCHDOG_PID"] = "42";
  CHECK(notify_from_environment(mine, 42).watchdog_interval == 5s);

  auto theirs = base;
  theirs["WATCHDOG_PID"] = "7";
  CHECK_FALSE(notify_from_environment(theirs, 42).watchdog_interval.has_value());
}

TEST_CASE("malformed notify variables are reported and switch the feature off") {
  auto setup = notify_from_environment({{"NOTIFY_SOCKET", "relative/path"}}, 1);
  CHECK(setup.problem.starts_with("NOTIFY_SOCKET 'relative/path': expected an absolute path"));
  CHECK(setup.notifier->send("READY=1") == 0);

  setup = notify_from_environment({{"NOTIFY_SOCKET", "/run/x"}, {"WATCHDOG_USEC", "soon"}}, 1);
  CHECK(setup.problem.starts_with("WATCHDOG_USEC 'soon'"));
  CHECK_FALSE(setup.watchdog_interval.has_value());

  setup = notify_from_environment(
      {{"NOTIFY_SOCKET", "/run/x"}, {"WATCHDOG_USEC", "1000"}, {"WATCHDOG_PID", "me"}}, 1);
  CHECK(setup.problem.starts_with("WATCHDOG_PID 'me'"));
}

TEST_CASE("a watchdog timeout too small to halve still gives a usable ping interval") {
  const auto setup = notify_from_environment({{"NOTIFY_SOCKET", "@x"}, {"WATCHDOG_USEC", "1"}}, 42);
  REQUIRE(setup.watchdog_interval.has_value());
  CHECK(*setup.watchdog_interval == std::chrono::microseconds(1));
  blinkd::Periodic ping(std::chrono::seconds(1), *setup.watchdog_interval);
  ping.advance(std::chrono::seconds(5));  // no division by a zero interval
  CHECK(ping.next_deadline() > std::chrono::seconds(5));
}
