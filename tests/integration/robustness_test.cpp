// SPDX-License-Identifier: MIT
// The binary as anything may start it: stopped at any moment of its setup, with its
// standard descriptors closed or going nowhere, with files of the wrong type where
// sysfs and /dev should have theirs, stalled in the middle of a count.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <functional>

#include "daemon_rig.hpp"

using namespace integration;
using test_support::clean_environment;
using test_support::kSchedulingSlack;
using test_support::Process;

namespace {

using Clock = std::chrono::steady_clock;

// How long a process takes to exit after `signal`, and its exit status.
struct Stop {
  std::chrono::milliseconds took{};
  test_support::ProcessResult result;
};

Stop stop_with(Process& process, int signal) {
  const auto sent = Clock::now();
  process.signal(signal);
  Stop stop;
  stop.result = process.wait(5s);
  stop.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
  return stop;
}

// The rising edges the fake kernel saw on a line: off -> on transitions of its level.
int rising_edges(const DaemonRig& rig, unsigned number) {
  int edges = 0;
  bool high = false;
  for (const auto& event : rig.kernel.events()) {
    if (event.number == number && event.kind == "level") {
      const bool now = event.arg == "1";
      edges += now && !high ? 1 : 0;
      high = now;
    }
  }
  return edges;
}

// A sysfs tree of plain files: what a wrong --sysfs-root or a broken container shows.
struct PlainTree {
  test_support::TempDir dir;
  std::filesystem::path gpio = dir.path() / "class/gpio";
  PlainTree() {
    std::filesystem::create_directories(gpio / "gpiochip512");
    write("gpiochip512/base", "512\n");
    write("gpiochip512/ngpio", "58\n");
    write("gpiochip512/label", "pinctrl-bcm2711\n");
    write("export", "");
    write("unexport", "");
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(gpio / name) << text;
  }
  void make_fifo(const std::string& name) const {
    std::filesystem::remove(gpio / name);
    REQUIRE(::mkfifo((gpio / name).c_str(), 0600) == 0);
  }
  [[nodiscard]] test_support::ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), {"--backend", "sysfs", "--sysfs-root", dir.path().string()});
    return test_support::run_process(daemon_argv(std::move(args)), clean_environment(), 5s);
  }
};

// Runs the daemon with its standard descriptors as given (-1: closed), returning the
// exit status, or -1 when it did not exit within `timeout` (then it is killed).
int run_with_descriptors(std::vector<std::string> argv, int in, int out, int err,
                         std::chrono::milliseconds timeout, pid_t* started = nullptr,
                         const std::function<void(pid_t)>& meanwhile = {}) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int wanted[] = {in, out, err};
  for (int fd = 0; fd < 3; ++fd) {
    if (wanted[fd] < 0) {
      posix_spawn_file_actions_addclose(&actions, fd);
    } else if (wanted[fd] != fd) {
      posix_spawn_file_actions_adddup2(&actions, wanted[fd], fd);
    }
  }
  std::vector<char*> args;
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  std::string path = "PATH=/usr/bin:/bin";
  char* env[] = {path.data(), nullptr};
  pid_t pid = 0;
  REQUIRE(::posix_spawn(&pid, args.front(), &actions, nullptr, args.data(), env) == 0);
  posix_spawn_file_actions_destroy(&actions);
  if (started != nullptr) {
    *started = pid;
  }
  if (meanwhile) {
    meanwhile(pid);
  }
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    ::usleep(2000);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The bound on a stop (200ms), plus the slack a loaded machine needs; under
// AddressSanitizer the exit also runs LeakSanitizer's scan (kSchedulingSlack says how much).
constexpr std::chrono::milliseconds kStopBound = std::chrono::milliseconds(200) + kSchedulingSlack;

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    read = fds[0];
    write = fds[1];
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  Pipe(Pipe&&) = delete;
  Pipe& operator=(Pipe&&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read >= 0) {
      ::close(read);
      read = -1;
    }
  }
  void close_write() {
    if (write >= 0) {
      ::close(write);
      write = -1;
    }
  }
  [[nodiscard]] std::string drain() const {
    std::string text;
    char buffer[4096];
    ::fcntl(read, F_SETFL, O_NONBLOCK);
    for (ssize_t n = 0; (n = ::read(read, buffer, sizeof buffer)) > 0;) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }
};

}  // namespace

TEST_CASE("a stop during the udev wait ends setup within 200ms, exit 0, export undone") {
  for (const int signal : {SIGTERM, SIGINT, SIGHUP}) {
    CAPTURE(signal);
    auto config = pi_kernel();
    config.udev_delay = 60s;  // the new export stays root-only: the daemon waits for udev
    DaemonRig rig(config);
    Process daemon(rig.argv({"--permission-wait", "10m", "529"}), clean_environment());
    REQUIRE(daemon.wait_for_stderr(
        [](const std::string& err) { return contains(err, "exported GPIO 529"); }, 5s));
    ::usleep(50'000);  // well into the wait
    const Stop stop = stop_with(daemon, signal);
    CAPTURE(stop.result.err);
    CHECK(stop.result.exit_code == 0);
    CHECK(stop.took <= kStopBound);
    CHECK(contains(stop.result.err,
                   "received during setup: every line opened so far is off and released; exiting"));
    CHECK_FALSE(rig.kernel.exported(529));  // the half-done export was undone
  }
}

TEST_CASE("a stop while a later line waits drives the lines already opened off") {
  auto config = pi_kernel();
  config.exported = {{530, true, false}};  // adopted at once: no udev window for it
  config.udev_delay = 60s;                 // 531, exported fresh, waits for udev
  DaemonRig rig(config);
  Process daemon(rig.argv({"--permission-wait", "10m", "530", "531"}), clean_environment());
  REQUIRE(daemon.wait_for_stderr(
      [](const std::string& err) { return contains(err, "exported GPIO 531"); }, 5s));
  ::usleep(50'000);
  const Stop stop = stop_with(daemon, SIGTERM);
  CAPTURE(stop.result.err);
  CHECK(stop.result.exit_code == 0);
  CHECK(stop.took <= kStopBound);
  CHECK(contains(stop.result.err,
                 "line '530': gpiochip0 [pinctrl-bcm2711] offset 18 (global 530) "
                 "is an output, off"));
  CHECK(rig.kernel.physical_level(530) == false);  // opened: off, export kept
  CHECK_FALSE(rig.kernel.exported(531));           // half-done: export undone
  CHECK(contains(stop.result.err, "line '530': off, export kept for a restart to adopt"));
}

TEST_CASE("a FIFO, socket or directory where sysfs has a file is refused at once, never opened") {
  SUBCASE("the export file is a FIFO (opening it for writing would block forever)") {
    PlainTree tree;
    tree.make_fifo("export");
    const auto result = tree.run({"529"});
    CAPTURE(result.err);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.err,
                   (tree.gpio / "export").string() + ": is a FIFO where sysfs has a regular file"));
  }
  SUBCASE("a chip's base is a FIFO (reading it would block forever)") {
    PlainTree tree;
    tree.make_fifo("gpiochip512/base");
    const auto result = tree.run({"529"});
    CAPTURE(result.err);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.err, "gpiochip512/base: is a FIFO where sysfs has a regular file"));
  }
  SUBCASE("an adopted line's value is a FIFO") {
    PlainTree tree;
    std::filesystem::create_directories(tree.gpio / "gpio529");
    tree.write("gpio529/active_low", "0\n");  // no direction: the value is written at once
    tree.make_fifo("gpio529/value");
    const auto result = tree.run({"529"});
    CAPTURE(result.err);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.err, "gpio529/value: is a FIFO where sysfs has a regular file"));
  }
  SUBCASE("the export file is a directory") {
    PlainTree tree;
    std::filesystem::remove(tree.gpio / "export");
    std::filesystem::create_directories(tree.gpio / "export");
    const auto result = tree.run({"529"});
    CHECK(result.exit_code == 1);
    CHECK(contains(result.err, "export: is a directory where sysfs has a regular file"));
  }
  SUBCASE("/dev/gpiochip0 is a FIFO: the gpiod backend does not open it") {
    test_support::TempDir dev;
    REQUIRE(::mkfifo((dev.path() / "gpiochip0").c_str(), 0600) == 0);
    const auto result = test_support::run_process(
        daemon_argv({"--backend", "gpiod", "--dev-root", dev.path().string(), "gpiochip0:1"}),
        clean_environment(), 5s);
    CAPTURE(result.err);
    CHECK_FALSE(result.timed_out);
    CHECK(result.exit_code == 1);
    CHECK(contains(result.err, "gpiochip0: is not a character device"));
  }
}

TEST_CASE("with stdin, stdout and stderr closed the daemon runs normally and logs nowhere") {
  DaemonRig rig(pi_kernel());
  const int status = run_with_descriptors(
      rig.argv({"-v", "--on", "20ms", "--off", "20ms", "--count", "3", "529"}), -1, -1, -1, 10s);
  CHECK(status == 0);
  CHECK(rising_edges(rig, 529) == 3);
  // Not one log line went into a GPIO file: the kernel saw only valid writes.
  CHECK_FALSE(rig.has_event(529, "write_error"));
  CHECK(rig.kernel.physical_level(529) == false);
}

TEST_CASE("a log reader that goes away or stops reading never stops or delays the blink") {
  SUBCASE("the reader is gone: EPIPE on every log line") {
    DaemonRig rig(pi_kernel());
    Pipe err;
    err.close_read();
    const int status = run_with_descriptors(
        rig.argv({"-v", "--on", "10ms", "--off", "10ms", "--count", "20", "529"}), -1, -1,
        err.write, 10s);
    CHECK(status == 0);
    CHECK(rising_edges(rig, 529) == 20);
  }
  SUBCASE("the reader never reads: a full pipe") {
    DaemonRig rig(pi_kernel());
    Pipe err;
    ::fcntl(err.write, F_SETPIPE_SZ, 4096);
    const auto begun = Clock::now();
    const int status = run_with_descriptors(
        rig.argv({"-v", "--on", "10ms", "--off", "10ms", "--count", "50", "529"}), -1, -1,
        err.write, 20s);
    const auto took = Clock::now() - begun;
    CHECK(status == 0);
    CHECK(rising_edges(rig, 529) == 50);
    CHECK(took < 5s);  // 1s of blinking; a blocked log would never end
    const std::string log = err.drain();
    CHECK(log.size() <= 4096);
  }
}

TEST_CASE("--help --version and --list report an output that cannot be written, exit 1") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"--version"}, {"--backend", "sim", "--list"}}) {
    CAPTURE(args.front());
    Pipe out;
    out.close_read();
    Pipe err;
    const int status = run_with_descriptors(daemon_argv(args), -1, out.write, err.write, 5s);
    err.close_write();
    CHECK(status == 1);  // not killed by SIGPIPE
    CHECK(contains(err.drain(), "standard output: writing failed: Broken pipe"));
  }
  SUBCASE("a full disk") {
    if (std::filesystem::exists("/dev/full")) {
      const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
      Pipe err;
      const int status = run_with_descriptors(daemon_argv({"--help"}), -1, full, err.write, 5s);
      ::close(full);
      err.close_write();
      CHECK(status == 1);
      CHECK(contains(err.drain(), "standard output: writing failed: No space left on device"));
    }
  }
}

TEST_CASE("a stop while --list waits for a slow reader ends it within 200ms with exit 0") {
  Pipe out;
  ::fcntl(out.write, F_SETPIPE_SZ, 4096);  // the sim listing is larger than this
  std::chrono::milliseconds took{};
  const int status = run_with_descriptors(
      daemon_argv({"--backend", "sim", "--list"}), -1, out.write, -1, 5s, nullptr, [&](pid_t pid) {
        // The listing has filled the pipe and waits (a slow start must not meet SIGTERM
        // before the daemon handles it).
        for (int waited = 0; waited < 5000; ++waited) {
          int queued = 0;
          if (::ioctl(out.read, FIONREAD, &queued) == 0 && queued >= 4096) {
            break;
          }
          ::usleep(1000);
        }
        ::usleep(20'000);
        const auto sent = Clock::now();
        ::kill(pid, SIGTERM);
        int status_ignored = 0;
        while (::waitpid(pid, &status_ignored, WNOHANG | WNOWAIT) == 0 &&
               Clock::now() - sent < 5s) {
          ::usleep(1000);
        }
        took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
      });
  CHECK(status == 0);
  CHECK(took <= kStopBound);
}

TEST_CASE("--count counts on-edges really shown, even through a stall") {
  DaemonRig rig(pi_kernel());
  Process daemon(rig.argv({"--on", "5ms", "--off", "5ms", "--count", "60", "529"}),
                 clean_environment());
  REQUIRE(
      daemon.wait_for_stderr([](const std::string& err) { return contains(err, "ready:"); }, 5s));
  ::usleep(100'000);
  // A stall far above the period: dozens of edges fall due while the loop cannot run.
  daemon.signal(SIGSTOP);
  ::usleep(237'000);
  daemon.signal(SIGCONT);
  const auto result = daemon.wait(20s);
  CAPTURE(result.err);
  CHECK(result.exit_code == 0);
  CHECK(rising_edges(rig, 529) == 60);  // exactly the count, as the line showed them
  CHECK(contains(result.err, "done: 60 blinks per line"));
  CHECK(contains(result.err, "skipped and "));
  CHECK(contains(result.err, " lost (the loop woke up to "));
}

TEST_CASE("which source won is said when an option and its variable are both given") {
  auto environment = clean_environment();
  environment["GPIO_BLINKD_OFF"] = "30ms";
  environment["GPIO_BLINKD_LINES"] = "PE8";
  const auto result = test_support::run_process(
      daemon_argv({"--backend", "sim", "--off", "20ms", "--on", "20ms", "--count", "1"}),
      environment);
  CHECK(result.exit_code == 0);
  CHECK(contains(result.err,
                 "notice  option --off wins over the environment's "
                 "GPIO_BLINKD_OFF=30ms"));
}

TEST_CASE("--check prints the configuration and touches no GPIO") {
  const auto result = test_support::run_process(
      daemon_argv({"--check", "--on", "100ms", "--sysfs-root", "/nonexistent", "GPIO17,active-low",
                   "gpiochip1:3,phase=1.5s"}),
      clean_environment());
  CHECK(result.exit_code == 0);
  CHECK(contains(result.out,
                 "line 'GPIO17': pattern blink (on 100ms, off 1s), phase 0s, active-low"));
  CHECK(contains(result.out,
                 "line 'gpiochip1:3': pattern blink (on 100ms, off 1s), phase 1.5s, active-high"));
  CHECK(contains(result.out, "sysfs-root /nonexistent\n"));
  const auto bad =
      test_support::run_process(daemon_argv({"--check", "GPIO17,on=0ms"}), clean_environment());
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.err, "line 'GPIO17' setting on '0ms': shorter than 1ms"));
}
