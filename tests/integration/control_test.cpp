// SPDX-License-Identifier: MIT
// The control socket with the real binary: every command through `gpio-blinkd ctl` and
// through raw connections, the state kept across a SIGKILL, socket activation, and a
// flood of clients during which the blink stays on time.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "daemon_rig.hpp"

using namespace integration;
using test_support::clean_environment;
using test_support::eventually;
using test_support::Process;
using test_support::run_process;

namespace {

using Clock = std::chrono::steady_clock;

// A raw connection to the control socket.
class Connection {
 public:
  explicit Connection(const std::filesystem::path& path)
      : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;
  ~Connection() { close(); }
  [[nodiscard]] bool connected() const { return connected_; }
  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  bool send(std::string_view text) const {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }
  // Everything received until the final ok/error line, or until `timeout`.
  std::string reply(std::chrono::milliseconds timeout = 5s) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const auto end = buffer_.find('\n', scanned_);
      if (end != std::string::npos) {
        const std::string line = buffer_.substr(scanned_, end - scanned_);
        scanned_ = end + 1;
        if (line == "ok" || line == "error" || line.starts_with("ok ") ||
            line.starts_with("error ")) {
          std::string whole = buffer_.substr(0, scanned_);
          buffer_.erase(0, scanned_);
          scanned_ = 0;
          return whole;
        }
        continue;
      }
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 100) == 1) {
        char chunk[4096];
        const ssize_t size = ::recv(fd_, chunk, sizeof chunk, 0);
        if (size <= 0) {
          return buffer_ + (size == 0 ? "<closed>" : "<error>");
        }
        buffer_.append(chunk, static_cast<std::size_t>(size));
      }
    }
    return buffer_ + "<timeout>";
  }
  // Whether the daemon closed the connection within `timeout` (what it sent before is
  // read and dropped).
  bool closed_by_peer(std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    std::vector<char> chunk(1 << 20);
    while (Clock::now() < deadline) {
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 50) == 1 &&
          ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT) == 0) {
        return true;
      }
    }
    return false;
  }

 private:
  int fd_;
  bool connected_ = false;
  std::string buffer_;
  std::size_t scanned_ = 0;
};

struct ControlRig {
  test_support::TempDir dir;
  std::filesystem::path socket = dir.path() / "run" / "control";
  std::vector<std::string> argv(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--backend", "sim", "--control", socket.string()});
    return daemon_argv(std::move(args));
  }
  test_support::ProcessResult ctl(std::vector<std::string> words) const {
    words.insert(words.begin(), {"ctl", "--control", socket.string()});
    return run_process(daemon_argv(std::move(words)), clean_environment(), 10s);
  }
  bool wait_ready(const Process& daemon) const {
    return daemon.wait_for_stderr([](const std::string& err) { return contains(err, "ready:"); },
                                  5s);
  }
};

}  // namespace

TEST_CASE("every command through gpio-blinkd ctl, with its exit status") {
  ControlRig rig;
  Process daemon(rig.argv({"--state", "ok=slow", "--state", "error=fast", "--initial-state", "ok",
                           "PE8", "GPIO17,state.error=heartbeat"}),
                 clean_environment());
  REQUIRE(rig.wait_ready(daemon));
  auto result = rig.ctl({"version"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("version protocol 1 gpio-blinkd "));
  result = rig.ctl({"status"});
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "state ok\n"));
  CHECK(contains(result.out,
                 "line PE8 chip=gpiochip0 offset=136 name=PE8 pattern=slow "
                 "from=state:ok"));
  CHECK(contains(result.out, "2 lines\n"));
  result = rig.ctl({"state", "error"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "state error on 2 lines\n");
  CHECK(contains(rig.ctl({"status"}).out,
                 "line GPIO17 chip=gpiochip1 offset=17 name=GPIO17 "
                 "pattern=heartbeat from=state:error"));
  result = rig.ctl({"state", "party"});
  CHECK(result.exit_code == 1);
  CHECK(result.err == "gpio-blinkd ctl: no line defines state 'party'; defined: error, ok\n");
  CHECK(rig.ctl({"set", "PE8", "pattern=100ms/900ms"}).exit_code == 0);
  CHECK(rig.ctl({"set", "PE8", "bias=pull-up"}).exit_code == 1);
  CHECK(rig.ctl({"set", "nowhere", "pattern=on"}).exit_code == 1);
  CHECK(rig.ctl({"identify", "GPIO17", "30s"}).out == "identify GPIO17 for 30s\n");
  CHECK(contains(rig.ctl({"status"}).out, "from=identify"));
  CHECK(rig.ctl({"reset", "PE8"}).exit_code == 0);
  CHECK(rig.ctl({"reset"}).exit_code == 0);
  CHECK(contains(rig.ctl({"status"}).out, "state ok\n"));
  CHECK(rig.ctl({"help"}).out.starts_with("help version"));
  // ctl's own options, in both spellings; a timeout out of range names it and the range.
  result = run_process(
      daemon_argv({"ctl", "--timeout=2s", "--control=" + rig.socket.string(), "version"}),
      clean_environment(), 10s);
  CHECK(result.exit_code == 0);
  CHECK(result.out.starts_with("version protocol 1 "));
  result = rig.ctl({"--timeout", "50ms", "version"});
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err, "ctl: option --timeout '50ms': shorter than 100ms"));
  result = rig.ctl({"frobnicate"});
  CHECK(result.exit_code == 1);
  CHECK(result.err == "gpio-blinkd ctl: unknown command 'frobnicate'; try help\n");
  // Who changed what is in the daemon's log, with the client's credentials.
  CHECK(contains(daemon.err_so_far(), "notice  control: pid "));
  CHECK(contains(daemon.err_so_far(), " uid 0 gid 0: state error: state error on 2 lines"));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(5s).exit_code == 0);
  CHECK_FALSE(std::filesystem::exists(rig.socket));  // its own socket is removed at exit
  // No daemon: exit 2, the socket named.
  result = rig.ctl({"status"});
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err, rig.socket.string() + ": No such file or directory"));
}

TEST_CASE("the control socket has mode 0660 and the group asked for, and a live one is not taken") {
  ControlRig rig;
  Process daemon(rig.argv({"--control-group", "4321", "PE8"}), clean_environment());
  REQUIRE(rig.wait_ready(daemon));
  struct stat info {};
  REQUIRE(::stat(rig.socket.c_str(), &info) == 0);
  CHECK(S_ISSOCK(info.st_mode));
  CHECK((info.st_mode & 0777) == 0660);
  CHECK(info.st_gid == 4321U);
  // A second daemon on the same path: exit 1, the first one untouched.
  const auto second = run_process(rig.argv({"GPIO17"}), clean_environment(), 10s);
  CHECK(second.exit_code == 1);
  CHECK(
      contains(second.err, rig.socket.string() + ": is in use: another gpio-blinkd listens on it"));
  CHECK(rig.ctl({"status"}).exit_code == 0);
  // Killed, it leaves a stale socket behind: the next start replaces it.
  daemon.signal(SIGKILL);
  (void)daemon.wait(5s);
  REQUIRE(std::filesystem::exists(rig.socket));
  Process third(rig.argv({"PE8"}), clean_environment());
  REQUIRE(rig.wait_ready(third));
  CHECK(rig.ctl({"version"}).exit_code == 0);
  // A name that /etc/group does not have, and an explicit path that cannot be made.
  auto result = run_process(daemon_argv({"--backend", "sim", "--control", "/tmp/x/c",
                                         "--control-group", "no-such-group-here", "PE8"}),
                            clean_environment(), 10s);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err,
                 "option --control-group 'no-such-group-here': no such group in "
                 "/etc/group"));
  result = run_process(
      daemon_argv({"--backend", "sim", "--control", "/proc/gpio-blinkd/control", "PE8"}),
      clean_environment(), 10s);
  CHECK(result.exit_code == 1);
  CHECK(contains(result.err, "/proc/gpio-blinkd: cannot be created"));
}

TEST_CASE("the default socket that cannot be made is a warning and the blink goes on") {
  // /run read-only, as in a container started with --read-only and no /run tmpfs.
  const std::string command = "mount -t tmpfs -o ro tmpfs /run && exec '" +
                              std::string(BLINKD_EXE) +
                              "' --backend sim --count 2 --on 10ms --off 10ms PE8";
  auto environment = clean_environment();
  environment.erase("GPIO_BLINKD_CONTROL");
  const auto result =
      run_process({"/usr/bin/unshare", "--mount", "/bin/sh", "-c", command}, environment, 10s);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.err,
                 "warning no control socket: /run/gpio-blinkd: cannot be created: "
                 "Read-only file system"));
  CHECK(contains(result.err, "done: 2 blinks per line"));
}

TEST_CASE("what was asked survives a SIGKILL and a restart, not a configuration change") {
  ControlRig rig;
  const std::vector<std::string> config{"--state",    "ok=slow", "--state",
                                        "error=fast", "PE8",     "GPIO17"};
  auto daemon = std::make_unique<Process>(rig.argv(config), clean_environment());
  REQUIRE(rig.wait_ready(*daemon));
  REQUIRE(rig.ctl({"state", "error"}).exit_code == 0);
  REQUIRE(rig.ctl({"set", "GPIO17", "pattern=morse:SOS HELP"}).exit_code == 0);
  const auto state_file = rig.socket.parent_path() / "state";
  // Written soon after each change (atomically: a rename), both changes in it.
  REQUIRE(eventually([&] {
    return std::filesystem::exists(state_file) &&
           contains(test_support::read_file(state_file), "set GPIO17 ");
  }));
  daemon->signal(SIGKILL);
  (void)daemon->wait(5s);
  daemon = std::make_unique<Process>(rig.argv(config), clean_environment());
  REQUIRE(rig.wait_ready(*daemon));
  CHECK(contains(daemon->err_so_far(), "restored what was asked before the restart (state error)"));
  auto status = rig.ctl({"status"}).out;
  CHECK(contains(status, "state error\n"));
  CHECK(contains(status, "line PE8 chip=gpiochip0 offset=136 name=PE8 pattern=fast"));
  CHECK(contains(status, "pattern=morse:SOS_HELP from=set"));
  daemon->signal(SIGKILL);
  (void)daemon->wait(5s);
  // Another configuration: the old state is discarded with a notice.
  auto changed = config;
  changed[1] = "ok=heartbeat";
  daemon = std::make_unique<Process>(rig.argv(changed), clean_environment());
  REQUIRE(rig.wait_ready(*daemon));
  CHECK(contains(daemon->err_so_far(),
                 "the configuration changed since it was written; "
                 "discarded"));
  CHECK(contains(rig.ctl({"status"}).out, "state none\n"));
  CHECK_FALSE(std::filesystem::exists(state_file));
  // reset clears what is kept.
  REQUIRE(rig.ctl({"state", "error"}).exit_code == 0);
  REQUIRE(rig.ctl({"reset"}).exit_code == 0);
  CHECK(eventually([&] { return !std::filesystem::exists(state_file); }));
}

TEST_CASE("socket activation: the socket systemd passes is used, and stays when the daemon stops") {
  ControlRig rig;
  std::filesystem::create_directories(rig.socket.parent_path());
  auto environment = clean_environment();
  environment.erase("GPIO_BLINKD_CONTROL");
  Process activator({"/usr/bin/systemd-socket-activate", "-l", rig.socket.string(), BLINKD_EXE,
                     "--backend", "sim", "--state", "ok=slow", "PE8"},
                    environment);
  // The program starts on the first connection, as under systemd.
  const auto deadline = Clock::now() + 5s;
  while (!std::filesystem::exists(rig.socket) && Clock::now() < deadline) {
    ::usleep(10'000);
  }
  const auto result = rig.ctl({"state", "ok"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "state ok on 1 line\n");
  CHECK(contains(activator.err_so_far(), "control socket " + rig.socket.string()));
  activator.signal(SIGTERM);
  (void)activator.wait(5s);
}

// A private /run (tmpfs in a mount namespace that a sleeping process holds), so that the
// real default paths are used: the system daemon's /run/gpio-blinkd/control and a user's
// $XDG_RUNTIME_DIR/gpio-blinkd/control. Commands run in it with nsenter, as user 65534
// with setpriv.
constexpr std::string_view kPrivateRunScript =
    "mount -t tmpfs tmpfs /run && mkdir -m 0700 /run/user-65534 && "
    "chown 65534:65534 /run/user-65534 && echo private-run >&2 && exec sleep 120";

class PrivateRun {
 public:
  PrivateRun()
      : holder_({"/usr/bin/unshare", "--mount", "/bin/sh", "-c", std::string(kPrivateRunScript)},
                environment()) {}
  [[nodiscard]] bool ready() const {
    return holder_.wait_for_stderr(
        [](const std::string& err) { return contains(err, "private-run"); }, 5s);
  }
  // GPIO_BLINKD_CONTROL unset: the defaults are what is tested.
  static std::map<std::string, std::string> environment() {
    auto variables = clean_environment();
    variables.erase("GPIO_BLINKD_CONTROL");
    return variables;
  }
  // `args` in the namespace; as root, or as uid/gid 65534 with `groups` ("" for none).
  [[nodiscard]] std::vector<std::string> argv(std::vector<std::string> args,
                                              std::optional<std::string> groups = {}) const {
    std::vector<std::string> prefix{"/usr/bin/nsenter", "-t", std::to_string(holder_.pid()), "-m",
                                    "--"};
    if (groups) {
      prefix.insert(prefix.end(), {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534"});
      prefix.push_back(groups->empty() ? "--clear-groups" : "--groups=" + *groups);
      prefix.emplace_back("--");
    }
    prefix.emplace_back(BLINKD_EXE);
    prefix.insert(prefix.end(), args.begin(), args.end());
    return prefix;
  }

 private:
  Process holder_;
};

TEST_CASE("ctl of a user finds the user's own daemon first, then the system's") {
  PrivateRun run;
  REQUIRE(run.ready());
  auto user = PrivateRun::environment();
  user["XDG_RUNTIME_DIR"] = "/run/user-65534";
  const auto ctl = [&](std::optional<std::string> groups, const auto& environment) {
    return run_process(run.argv({"ctl", "status"}, std::move(groups)), environment, 10s);
  };
  // The system daemon (root, the default socket), its socket given to group 4321.
  Process system(run.argv({"--backend", "sim", "--control-group", "4321", "PE8"}),
                 PrivateRun::environment());
  REQUIRE(
      system.wait_for_stderr([](const std::string& err) { return contains(err, "ready:"); }, 5s));
  REQUIRE(contains(system.err_so_far(), "control socket /run/gpio-blinkd/control"));
  // A member of the group, with and without a runtime directory of its own.
  auto result = ctl("4321", user);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "line PE8 "));
  result = ctl("4321", PrivateRun::environment());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "line PE8 "));
  // Not a member: found, and refused by the socket's mode.
  result = ctl("", user);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err,
                 "cannot reach a gpio-blinkd at /run/gpio-blinkd/control: "
                 "Permission denied"));
  // A daemon of the user's own wins while it runs.
  Process own(run.argv({"--backend", "sim", "GPIO17"}, ""), user);
  REQUIRE(own.wait_for_stderr([](const std::string& err) { return contains(err, "ready:"); }, 5s));
  REQUIRE(contains(own.err_so_far(), "control socket /run/user-65534/gpio-blinkd/control"));
  result = ctl("4321", user);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out, "line GPIO17 "));
  CHECK_FALSE(contains(result.out, "line PE8 "));
  // GPIO_BLINKD_CONTROL still decides over both.
  auto pointed = user;
  pointed["GPIO_BLINKD_CONTROL"] = "/run/gpio-blinkd/control";
  CHECK(contains(ctl("4321", pointed).out, "line PE8 "));
  // No daemon at all: exit 2, every path tried named.
  own.signal(SIGTERM);
  CHECK(own.wait(5s).exit_code == 0);
  system.signal(SIGTERM);
  CHECK(system.wait(5s).exit_code == 0);
  result = ctl("4321", user);
  CHECK(result.exit_code == 2);
  CHECK(result.err ==
        "gpio-blinkd ctl: no gpio-blinkd control socket at /run/user-65534/gpio-blinkd/control, "
        "/run/gpio-blinkd/control (is the daemon running? else give --control PATH)\n");
  // Root looks at the system socket only.
  result = ctl(std::nullopt, user);
  CHECK(result.exit_code == 2);
  CHECK(contains(result.err, "/run/gpio-blinkd/control: No such file or directory"));
}

TEST_CASE("hostile clients get an error or a close, never a hang, and the limits hold") {
  ControlRig rig;
  Process daemon(rig.argv({"--state", "x=fast", "PE8"}), clean_environment());
  REQUIRE(rig.wait_ready(daemon));
  SUBCASE("garbage and half lines") {
    Connection client(rig.socket);
    REQUIRE(client.connected());
    client.send("\x01\x02 garbage\n");
    CHECK(client.reply() == "error request holds control characters or is not UTF-8 text\n");
    client.send("sta");
    client.send("tus\n");  // a request in two pieces is one request
    CHECK(contains(client.reply(), "ok 1 line\n"));
    client.send(std::string(5000, 'a'));  // no newline within the limit
    CHECK(contains(client.reply(), "error request longer than 1023 bytes; closing"));
    CHECK(client.closed_by_peer(2s));
  }
  SUBCASE("too many clients: the 17th is told so and closed") {
    std::vector<std::unique_ptr<Connection>> held;
    for (int i = 0; i < 16; ++i) {
      held.push_back(std::make_unique<Connection>(rig.socket));
      held.back()->send("version\n");
      CHECK(contains(held.back()->reply(), "ok"));
    }
    Connection extra(rig.socket);
    CHECK(extra.reply() == "error too many clients (at most 16)\n");
    held.clear();  // the daemon sees the closes at its next wake-up, not at once
    CHECK(eventually([&] { return rig.ctl({"version"}).exit_code == 0; }));
  }
  SUBCASE("a reader that never reads is cut off; one that vanishes costs nothing") {
    Connection slow(rig.socket);
    std::string many;
    for (int i = 0; i < 5000; ++i) {
      many += "help\n";
    }
    (void)slow.send(many);
    ::usleep(1'000'000);  // never reading: the replies pile up until the daemon gives up
    CHECK(slow.closed_by_peer(10s));
    for (int i = 0; i < 50; ++i) {
      Connection gone(rig.socket);
      gone.send("status\nstatus\n");
    }
    CHECK(rig.ctl({"status"}).exit_code == 0);
  }
  daemon.signal(SIGTERM);
  CHECK(daemon.wait(5s).exit_code == 0);
}
