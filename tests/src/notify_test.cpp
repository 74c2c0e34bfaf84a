// SPDX-License-Identifier: MIT
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

TEST_CASE("the ping interval is bounded: never a ping storm, never beyond the clock") {
  const blinkd::Environment base{{"NOTIFY_SOCKET", "@x"}};
  auto with_usec = [&](const char* usec) {
    auto environment = base;
    environment["WATCHDOG_USEC"] = usec;
    return notify_from_environment(environment, 42);
  };
  // Too short to halve: a 1ms floor and a warning, not a zero interval.
  auto setup = with_usec("1");
  REQUIRE(setup.watchdog_interval.has_value());
  CHECK(*setup.watchdog_interval == 1ms);
  CHECK(setup.problem.starts_with("WATCHDOG_USEC '1': too short to honour; pinging every 1ms"));
  CHECK(with_usec("2000").watchdog_interval == 1ms);
  CHECK(with_usec("2000").problem.empty());
  CHECK(with_usec("1999").watchdog_interval == 1ms);
  CHECK_FALSE(with_usec("1999").problem.empty());
  // Long ones are capped at an hour (pinging more often is always safe), with a note.
  CHECK(with_usec("7200000000").watchdog_interval == 1h);
  CHECK(with_usec("7200000000").note.empty());
  CHECK(with_usec("7200000002").watchdog_interval == 1h);
  CHECK(with_usec("7200000002").note.starts_with("WATCHDOG_USEC '7200000002': pinging every 1h"));
  // The values that made a negative interval and a ping storm: capped, never negative.
  for (const char* huge : {"20000000000000000", "9223372036854775807", "18446744073709551615",
                           "18446744073709551616", "99999999999999999999999"}) {
    setup = with_usec(huge);
    REQUIRE(setup.watchdog_interval.has_value());
    CHECK(*setup.watchdog_interval == 1h);
    CHECK(setup.problem.empty());
  }
  blinkd::Periodic ping(std::chrono::seconds(1), *with_usec("1").watchdog_interval);
  ping.advance(std::chrono::seconds(5));
  CHECK(ping.next_deadline() > std::chrono::seconds(5));
}

TEST_CASE("WATCHDOG_PID out of range or naming another process means not for us") {
  const blinkd::Environment base{{"NOTIFY_SOCKET", "@x"}, {"WATCHDOG_USEC", "10000000"}};
  for (const char* pid : {"0", "4194305", "99999999999999999999", "-1", "", " 42"}) {
    auto environment = base;
    environment["WATCHDOG_PID"] = pid;
    const auto setup = notify_from_environment(environment, 42);
    CHECK_MESSAGE(!setup.watchdog_interval.has_value(), pid);
    CHECK_MESSAGE(setup.problem.starts_with("WATCHDOG_PID"), pid);
  }
  auto environment = base;
  environment["WATCHDOG_PID"] = "4194304";
  CHECK_FALSE(notify_from_environment(environment, 42).watchdog_interval.has_value());
  CHECK(notify_from_environment(environment, 42).problem.empty());
}

TEST_CASE("a NOTIFY_SOCKET longer than a socket address holds is refused with its length") {
  const std::string longest = "/" + std::string(106, 'a');
  CHECK(notify_from_environment({{"NOTIFY_SOCKET", longest}}, 1).problem.empty());
  const auto setup = notify_from_environment({{"NOTIFY_SOCKET", longest + "a"}}, 1);
  CHECK(setup.problem.find("108 bytes long, a socket address holds at most 107") !=
        std::string::npos);
  CHECK(setup.notifier->send("READY=1") == 0);  // a null notifier: nothing to fail
  CHECK(notify_from_environment({{"NOTIFY_SOCKET", "@" + std::string(107, 'b')}}, 1)
            .problem.find("at most 107") != std::string::npos);
}
