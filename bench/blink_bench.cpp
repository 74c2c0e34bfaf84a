// SPDX-License-Identifier: MIT
// Figures for docs/benchmarks.md, measured on the kernel-like fake sysfs (FUSE), whose
// event log timestamps every level change from outside the daemon:
//   - system calls per toggle in steady state (strace -c, two counts subtracted)
//   - cumulative drift after N periods, against the naive loop in the same run
//   - CPU time per 10k toggles, peak RSS (wait4's rusage)
//   - size of the binary
// Usage: blink-bench [--daemon PATH] [--periods N]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fixtures/fake_sysfs/fake_gpio_kernel.hpp"
#include "fixtures/fake_sysfs/fake_sysfs_mount.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

struct Run {
  int status = 0;
  rusage usage{};
};

// fork + exec + wait4, for the child's own CPU time and peak RSS. Its stderr goes to
// `log`. A --count run that the machine was too busy to blink in full ends with status
// 1 and says so: its figures still count, as every figure here is divided by the
// toggles the fake kernel saw.
Run run(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: execv's signature
  }
  args.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY);
    const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  Run result;
  ::wait4(child, &result.status, 0, &result.usage);
  if (!WIFEXITED(result.status) || WEXITSTATUS(result.status) != 0) {
    const std::string text = test_support::read_file(log);
    if (text.find("the machine woke too late") == std::string::npos) {
      throw std::runtime_error(
          fmt::format("{} failed (status {}):\n{}", argv[0], result.status, text));
    }
    fmt::print("    (a busy machine: {} skipped edges; figures are per toggle really made)\n",
               argv[0]);
  }
  return result;
}

fake_sysfs::KernelConfig kernel_config() {
  fake_sysfs::KernelConfig config;
  config.chips = {{"pinctrl-bench", 512, 32}};
  config.exported = {{530, true, false}};  // the naive loop's line, already an output
  return config;
}

std::vector<std::string> daemon_args(const std::string& daemon, const std::string& root,
                                     const std::string& half, unsigned blinks) {
  return {daemon,  "--backend", "sysfs",   "--sysfs-root",         root, "--quiet", "--on", half,
          "--off", half,        "--count", std::to_string(blinks), "529"};
}

// Total calls from `strace -c` output ("100.00 ... total" line).
std::map<std::string, long> strace_counts(const std::string& file) {
  std::ifstream in(file);
  std::map<std::string, long> counts;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::vector<std::string> words;
    for (std::string word; fields >> word;) {
      words.push_back(word);
    }
    // "% time seconds usecs/call calls [errors] syscall"
    if (words.size() >= 5 && std::isdigit(static_cast<unsigned char>(words[0][0])) != 0) {
      counts[words.back()] = std::stol(words[3]);
    }
  }
  return counts;
}

// Level changes the fake kernel saw on `number`: the toggles that really happened.
long toggles_seen(const fake_sysfs::FakeGpioKernel& kernel, unsigned number) {
  const auto events = kernel.events();
  return std::count_if(events.begin(), events.end(), [&](const fake_sysfs::Event& event) {
    return event.number == number && event.kind == "level";
  });
}

void syscalls_per_toggle(const std::string& daemon) {
  constexpr unsigned kShort = 200;
  constexpr unsigned kLong = 1200;
  std::map<unsigned, std::map<std::string, long>> counts;
  std::map<unsigned, long> toggles;
  for (unsigned blinks : {kShort, kLong}) {
    test_support::TempDir dir("gpio-blinkd-bench");
    fake_sysfs::FakeGpioKernel kernel(kernel_config());
    fake_sysfs::FakeSysfsMount mount(kernel, dir.path() / "sys");
    const std::string out = (dir.path() / "strace").string();
    auto args = daemon_args(daemon, mount.mountpoint().string(), "2ms", blinks);
    args.insert(args.begin(), {"/usr/bin/strace", "-f", "-c", "-o", out});
    run(args, dir.path() / "daemon.log");
    counts[blinks] = strace_counts(out);
    toggles[blinks] = toggles_seen(kernel, 529);
  }
  // Startup and shutdown cost the same in both runs: the difference is steady state.
  const auto extra_toggles = static_cast<double>(toggles[kLong] - toggles[kShort]);
  const long extra_calls = counts[kLong]["total"] - counts[kShort]["total"];
  fmt::print(
      "syscalls per toggle (steady state)   {:.3f}   ({} extra calls for {} extra toggles; "
      "{} of {} planned edges driven)\n",
      static_cast<double>(extra_calls) / extra_toggles, extra_calls, extra_toggles, toggles[kLong],
      2 * kLong);
  for (const auto& [name, calls] : counts[kLong]) {
    const long extra = calls - counts[kShort][name];
    if (name != "total" && extra != 0) {
      fmt::print("    {:<12} {:.3f} per toggle\n", name,
                 static_cast<double>(extra) / extra_toggles);
    }
  }
}

// Times (ns) at which `number` went physically high.
std::vector<std::int64_t> rising_edges(const fake_sysfs::FakeGpioKernel& kernel, unsigned number) {
  std::vector<std::int64_t> times;
  for (const auto& event : kernel.events()) {
    if (event.number == number && event.kind == "level" && event.arg == "1") {
      times.push_back(event.ns);
    }
  }
  return times;
}

void drift(const std::string& daemon, unsigned periods) {
  test_support::TempDir dir("gpio-blinkd-bench");
  fake_sysfs::FakeGpioKernel kernel(kernel_config());
  fake_sysfs::FakeSysfsMount mount(kernel, dir.path() / "sys");
  constexpr auto kHalf = 5ms;
  const std::string naive_value = (mount.mountpoint() / "class/gpio/gpio530/value").string();
  // Both run at once, so they share whatever the machine is doing.
  const pid_t naive = ::fork();
  if (naive == 0) {
    ::execl(NAIVE_BLINK_EXE, NAIVE_BLINK_EXE, naive_value.c_str(),
            std::to_string(std::chrono::microseconds(kHalf).count()).c_str(),
            std::to_string(periods + 1).c_str(), nullptr);
    ::_exit(127);
  }
  run(daemon_args(daemon, mount.mountpoint().string(), "5ms", periods + 1),
      dir.path() / "daemon.log");
  int status = 0;
  ::waitpid(naive, &status, 0);

  const std::int64_t period = std::chrono::nanoseconds(2 * kHalf).count();
  fmt::print(
      "cumulative drift of the on-edge after {} periods of {} ms (seen by the fake kernel)\n",
      periods, period / 1'000'000);
  // gpio-blinkd keeps to the grid t0 + k*period and may skip an edge when the machine
  // is busy: measure its last edge against the nearest grid point.
  const auto ours = rising_edges(kernel, 529);
  if (ours.size() < 2) {
    throw std::runtime_error("gpio-blinkd: no edges seen");
  }
  const std::int64_t span = ours.back() - ours.front();
  const std::int64_t nearest = (span + period / 2) / period;
  const std::int64_t blinkd_drift = span - nearest * period;
  fmt::print("    {:<28} {:>10.3f} ms (period {} of {}; {} on-edges driven)\n",
             "gpio-blinkd (absolute)", static_cast<double>(blinkd_drift) / 1e6, nearest, periods,
             ours.size());
  // The naive loop never skips, so its k-th edge is its k-th period.
  const auto naive_edges = rising_edges(kernel, 530);
  if (naive_edges.size() < periods + 1) {
    throw std::runtime_error(fmt::format("naive loop: only {} edges", naive_edges.size()));
  }
  const std::int64_t naive_drift = naive_edges[periods] - (naive_edges[0] + periods * period);
  fmt::print("    {:<28} {:>10.3f} ms\n", "naive loop (relative sleep)",
             static_cast<double>(naive_drift) / 1e6);
  fmt::print("    ratio naive / gpio-blinkd   {:.0f}x\n",
             static_cast<double>(naive_drift) /
                 static_cast<double>(std::max<std::int64_t>(std::abs(blinkd_drift), 1000)));
}

void cpu_and_memory(const std::string& daemon) {
  test_support::TempDir dir("gpio-blinkd-bench");
  fake_sysfs::FakeGpioKernel kernel(kernel_config());
  fake_sysfs::FakeSysfsMount mount(kernel, dir.path() / "sys");
  // The period floor (1 ms on, 1 ms off): the most toggles a second the daemon allows.
  const Run result =
      run(daemon_args(daemon, mount.mountpoint().string(), "1ms", 5000), dir.path() / "daemon.log");
  auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  // Per toggle the fake kernel saw: an edge skipped on a busy machine costs no write.
  const long toggles = toggles_seen(kernel, 529);
  const double scale = 10'000.0 / static_cast<double>(std::max(toggles, 1L));
  fmt::print(
      "CPU time per 10k toggles             {:.3f} s user + {:.3f} s system ({} toggles at 1ms "
      "on/off)\n",
      seconds(result.usage.ru_utime) * scale, seconds(result.usage.ru_stime) * scale, toggles);
  fmt::print("peak RSS                             {} KiB\n", result.usage.ru_maxrss);
}

void binary_size(const std::string& daemon) {
  struct stat info {};
  ::stat(daemon.c_str(), &info);
  fmt::print("binary size                          {} bytes ({:.2f} MiB) {}\n", info.st_size,
             static_cast<double>(info.st_size) / (1024.0 * 1024.0), daemon);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string daemon = DEFAULT_DAEMON_EXE;
    unsigned periods = 1000;
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string_view option = argv[i];
      if (option == "--daemon") {
        daemon = argv[i + 1];
      } else if (option == "--periods") {
        periods = static_cast<unsigned>(std::stoul(argv[i + 1]));
      } else {
        (void)std::fputs("usage: blink-bench [--daemon PATH] [--periods N]\n", stderr);
        return 1;
      }
    }
    binary_size(daemon);
    syscalls_per_toggle(daemon);
    cpu_and_memory(daemon);
    drift(daemon, periods);
  } catch (const std::exception& error) {
    (void)std::fputs("blink-bench: ", stderr);
    (void)std::fputs(error.what(), stderr);
    (void)std::fputs("\n", stderr);
    return 1;
  }
  return 0;
}
