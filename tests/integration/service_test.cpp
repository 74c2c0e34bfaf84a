// SPDX-License-Identifier: MIT
// The binary as systemd and Docker run it: notify socket, watchdog, journal stream,
// PID 1 of a container.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstring>
#include <fstream>

#include "daemon_rig.hpp"

using namespace integration;
using test_support::clean_environment;
using test_support::Process;

namespace {

// The service manager's end of NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path)
      : path_(std::move(path)), fd_(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  NotifySocket(NotifySocket&&) = delete;
  NotifySocket& operator=(NotifySocket&&) = delete;
  ~NotifySocket() { ::close(fd_); }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // The next datagram within `timeout`, or "" when none came.
  [[nodiscard]] std::string next(std::chrono::milliseconds timeout) const {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) != 1) {
      return {};
    }
    std::array<char, 4096> buffer{};
    const ssize_t size = ::recv(fd_, buffer.data(), buffer.size(), 0);
    return size <= 0 ? std::string() : std::string(buffer.data(), static_cast<std::size_t>(size));
  }

 private:
  std::filesystem::path path_;
  int fd_;
};

}  // namespace

TEST_CASE("READY=1 comes after every line is set up and STOPPING=1 before the safe level") {
  DaemonRig rig(pi_kernel());
  NotifySocket manager(rig.dir.path() / "notify");
  auto environment = clean_environment();
  environment["NOTIFY_SOCKET"] = manager.path().string();
  Process daemon(rig.argv({"--on", "30ms", "--off", "30ms", "529", "530"}), environment);

  CHECK(manager.next(5s) == "STATUS=Setting up GPIO lines");
  CHECK(manager.next(5s) == "READY=1\nSTATUS=Blinking 2 lines");
  // Both lines were outputs before READY was sent.
  CHECK(rig.kernel.direction(529) == "out");
  CHECK(rig.kernel.direction(530) == "out");
  daemon.signal(SIGTERM);
  CHECK(manager.next(5s) == "STOPPING=1\nSTATUS=Stopping: driving lines to their safe level");
  CHECK(daemon.wait(5s).exit_code == 0);
}

TEST_CASE("the watchdog is pinged from the blink loop at half of WATCHDOG_USEC") {
  DaemonRig rig(pi_kernel());
  NotifySocket manager(rig.dir.path() / "notify");
  auto environment = clean_environment();
  environment["NOTIFY_SOCKET"] = manager.path().string();
  environment["WATCHDOG_USEC"] = "200000";  // 200ms: pings every 100ms
  Process daemon(rig.argv({"--on", "1s", "--off", "1s", "529"}), environment);
  REQUIRE(manager.next(5s).starts_with("STATUS="));
  REQUIRE(manager.next(5s).starts_with("READY=1"));
  const auto first = std::chrono::steady_clock::now();
  int pings = 0;
  while (std::chrono::steady_clock::now() - first < 2s) {
    const std::string message = manager.next(2s);
    CHECK(message == "WATCHDOG=1");
    ++pings;
  }
  // About 20 in two seconds; a loaded machine may delay some (a late ping is one ping, the
  // next one keeps the grid), never add any.
  CHECK(pings >= 10);
  CHECK(pings <= 23);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(5s).exit_code == 0);
}

TEST_CASE("a fatal error is reported to the service manager as STATUS before exit 1") {
  DaemonRig rig(pi_kernel());
  NotifySocket manager(rig.dir.path() / "notify");
  auto environment = clean_environment();
  environment["NOTIFY_SOCKET"] = manager.path().string();
  const auto result = rig.run({"17"}, environment);
  CHECK(result.exit_code == 1);
  CHECK(manager.next(5s) == "STATUS=Setting up GPIO lines");
  CHECK(manager.next(5s).starts_with("STATUS=Failed: "));
}

TEST_CASE("when stderr is the journal every line carries a priority instead of a timestamp") {
  DaemonRig rig(pi_kernel());
  // The journal stream is whatever file stderr is: find the one the child will get by
  // running it once to learn the path is not possible, so point stderr at a known file.
  const auto err_file = rig.dir.path() / "journal";
  { std::ofstream touch(err_file); }
  struct stat info {};
  REQUIRE(::stat(err_file.c_str(), &info) == 0);
  auto environment = clean_environment();
  environment["JOURNAL_STREAM"] = std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  auto argv = rig.argv({"--count", "1", "--on", "10ms", "--off", "10ms", "529"});
  std::string command;
  for (const auto& arg : argv) {
    command += "'" + arg + "' ";
  }
  const auto result = test_support::run_process(
      {"/bin/sh", "-c", command + "2>>'" + err_file.string() + "'"}, environment);
  CHECK(result.exit_code == 0);
  const std::string journal = test_support::read_file(err_file);
  CHECK(journal.starts_with("<6>gpio-blinkd "));
  CHECK(contains(journal, "\n<5>ready: Blinking 1 line\n"));
  CHECK(contains(journal, "\n<5>done: 1 blink per line"));
}

TEST_CASE("as PID 1 of a container SIGTERM still drives the lines off and exits 0") {
  DaemonRig rig(pi_kernel());
  auto argv = rig.argv({"--on", "30ms", "--off", "30ms", "529,active-low"});
  argv.insert(argv.begin(), {"/usr/bin/unshare", "--pid", "--fork", "--kill-child"});
  Process container(argv, clean_environment());
  REQUIRE(container.wait_for_stderr(
      [](const std::string& err) { return contains(err, "ready: Blinking"); }, 5s));
  CHECK(contains(container.err_so_far(), "starting (pid 1)"));
  // The daemon is unshare's only child; signal it in its namespace, as docker stop does.
  const std::string children =
      test_support::read_file("/proc/" + std::to_string(container.pid()) + "/task/" +
                              std::to_string(container.pid()) + "/children");
  const pid_t daemon = static_cast<pid_t>(std::stoi(children));
  REQUIRE(::kill(daemon, SIGTERM) == 0);
  const auto result = container.wait(5s);
  CHECK(result.exit_code == 0);
  CHECK(rig.kernel.physical_level(529) == true);  // off, active-low
}

TEST_CASE("a WATCHDOG_USEC too large for the clock is capped: no ping storm, no busy CPU") {
  DaemonRig rig(pi_kernel());
  NotifySocket manager(rig.dir.path() / "notify");
  auto environment = clean_environment();
  environment["NOTIFY_SOCKET"] = manager.path().string();
  environment["WATCHDOG_USEC"] = "20000000000000000";  // made a negative interval and a storm
  Process daemon(rig.argv({"--on", "50ms", "--off", "50ms", "529"}), environment);
  REQUIRE(manager.next(5s).starts_with("STATUS="));
  REQUIRE(manager.next(5s).starts_with("READY=1"));
  // One second of blinking: no datagram at all (the first ping is an hour away).
  CHECK(manager.next(1s).empty());
  CHECK(contains(daemon.err_so_far(), "systemd watchdog: pinging every 1h"));
  daemon.signal(SIGTERM);
  const auto result = daemon.wait(5s);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.err, "watchdog pings 0"));
}
