// SPDX-License-Identifier: MIT
// Soak: the release binary blinks one line at the period floor (--on 1ms --off 1ms,
// 1000 toggles a second) until it has made N toggles (10^6 by default, ~17 minutes),
// on the FUSE fake sysfs and then on the sim backend. Every second it samples the
// daemon's open fds (/proc/PID/fd) and resident memory (/proc/PID/status VmRSS) and asks
// for its statistics (SIGUSR1, whose line carries the toggle count); at the end it
// prints first/last/min/max and the least-squares slope of both, from the first second
// the daemon reports a toggle (set-up is not steady state). A leak of one fd or a
// few bytes per toggle shows as a slope long before it could break a board.
// A figure, not a test (docs/benchmarks.md); it exits 1 when either series is not flat.
//
// Usage: blink-soak [--daemon PATH] [--toggles N] [--backend sysfs|sim|both] [--csv DIR]
#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fixtures/fake_sysfs/fake_gpio_kernel.hpp"
#include "fixtures/fake_sysfs/fake_sysfs_mount.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Sample {
  double seconds = 0;
  long fds = 0;
  long rss_kib = 0;
  std::uint64_t toggles = 0;  // as of the last statistics line read
};

struct Settings {
  std::string daemon = DEFAULT_DAEMON_EXE;
  std::uint64_t toggles = 1'000'000;
  std::string backend = "both";
  std::string csv_dir;
};

pid_t spawn(const std::vector<std::string>& argv, const fs::path& stderr_file) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: execv's signature
  }
  args.push_back(nullptr);
  const pid_t child = ::fork();
  if (child == 0) {
    const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const int err_fd = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ::dup2(null_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (child < 0) {
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  return child;
}

// Entries of /proc/PID/fd, or nullopt once the process is gone.
std::optional<long> open_fds(pid_t pid) {
  DIR* dir = ::opendir(fmt::format("/proc/{}/fd", pid).c_str());
  if (dir == nullptr) {
    return std::nullopt;
  }
  long count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') {
      ++count;
    }
  }
  ::closedir(dir);
  return count;
}

std::optional<long> resident_kib(pid_t pid) {
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      return std::stol(line.substr(6));
    }
  }
  return std::nullopt;
}

// The toggle count of the newest "stats: ... toggles N" line in the daemon's log.
class StatsReader {
 public:
  explicit StatsReader(fs::path file) : file_(std::move(file)) {}

  std::optional<std::uint64_t> latest() {
    std::ifstream in(file_);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    std::optional<std::uint64_t> found;
    while (std::getline(in, line)) {
      if (in.eof()) {
        break;  // half a line: read it again next time
      }
      offset_ += line.size() + 1;
      if (const auto at = line.find("stats: "); at != std::string::npos) {
        if (const auto toggles = line.find(", toggles ", at); toggles != std::string::npos) {
          found = std::stoull(line.substr(toggles + 10));
        }
      }
    }
    return found;
  }

 private:
  fs::path file_;
  std::size_t offset_ = 0;
};

std::string tail(const fs::path& file, std::size_t lines) {
  std::ifstream in(file);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) {
    all.push_back(line);
  }
  std::string text;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    text += "    " + all[i] + "\n";
  }
  return text;
}

// Least-squares slope of y over minutes.
double slope_per_minute(const std::vector<Sample>& samples, long Sample::*field) {
  const double n = static_cast<double>(samples.size());
  double sum_t = 0;
  double sum_y = 0;
  for (const auto& sample : samples) {
    sum_t += sample.seconds / 60.0;
    sum_y += static_cast<double>(sample.*field);
  }
  double num = 0;
  double den = 0;
  for (const auto& sample : samples) {
    const double dt = sample.seconds / 60.0 - sum_t / n;
    num += dt * (static_cast<double>(sample.*field) - sum_y / n);
    den += dt * dt;
  }
  return den > 0 ? num / den : 0.0;
}

struct Series {
  long first = 0;
  long last = 0;
  long min = 0;
  long max = 0;
  double slope = 0;       // per minute, whole run
  double late_slope = 0;  // per minute, second half: after start-up effects
};

Series series(const std::vector<Sample>& samples, long Sample::*field) {
  Series s;
  s.first = samples.front().*field;
  s.last = samples.back().*field;
  const auto [lo, hi] = std::minmax_element(
      samples.begin(), samples.end(),
      [field](const Sample& a, const Sample& b) { return a.*field < b.*field; });
  s.min = (*lo).*field;
  s.max = (*hi).*field;
  s.slope = slope_per_minute(samples, field);
  const std::vector<Sample> late(samples.begin() + static_cast<std::ptrdiff_t>(samples.size() / 2),
                                 samples.end());
  s.late_slope = slope_per_minute(late, field);
  return s;
}

void sleep_until(Clock::time_point when) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch());
  timespec deadline{static_cast<time_t>(ns.count() / 1'000'000'000),
                    static_cast<long>(ns.count() % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

struct Result {
  std::vector<Sample> samples;
  double seconds = 0;
  std::uint64_t toggles = 0;
};

// Runs the daemon until it reports `wanted` toggles, sampling it every second.
Result soak(const std::vector<std::string>& argv, const fs::path& log, std::uint64_t wanted) {
  const pid_t pid = spawn(argv, log);
  StatsReader stats(log);
  Result result;
  const auto start = Clock::now();
  auto next = start;
  std::uint64_t toggles = 0;
  for (;;) {
    next += std::chrono::seconds(1);
    sleep_until(next);
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      throw std::runtime_error(
          fmt::format("the daemon ended early (status {}):\n{}", status, tail(log, 5)));
    }
    if (auto latest = stats.latest()) {
      toggles = *latest;
    }
    const auto fds = open_fds(pid);
    const auto rss = resident_kib(pid);
    if (!fds || !rss) {
      continue;  // ending right now: waitpid says how next time
    }
    if (toggles == 0) {
      ::kill(pid, SIGUSR1);
      continue;  // still setting up: the series starts once the line blinks
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.samples.push_back(Sample{seconds, *fds, *rss, toggles});
    if (result.samples.size() % 60 == 0) {
      fmt::print("    {:5.0f} s  toggles {:8}  fds {}  RSS {} KiB\n", seconds, toggles, *fds, *rss);
      (void)std::fflush(stdout);
    }
    if (toggles >= wanted) {
      break;
    }
    ::kill(pid, SIGUSR1);
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(
        fmt::format("the daemon did not stop cleanly (status {}):\n{}", status, tail(log, 5)));
  }
  // The statistics line it logs on the way out has the final count.
  if (auto latest = stats.latest()) {
    toggles = *latest;
  }
  result.toggles = toggles;
  return result;
}

void write_csv(const Settings& settings, std::string_view name, const Result& result) {
  if (settings.csv_dir.empty()) {
    return;
  }
  std::ofstream out(fs::path(settings.csv_dir) / fmt::format("soak-{}.csv", name));
  out << "seconds,fds,rss_kib,toggles\n";
  for (const auto& s : result.samples) {
    out << fmt::format("{:.3f},{},{},{}\n", s.seconds, s.fds, s.rss_kib, s.toggles);
  }
}

// Flat: no fd more at any time than at the first sample, and memory that stops
// growing once the daemon has settled (its second half rises less than a page over
// the whole run).
bool report(std::string_view title, const Result& result, std::optional<long> seen_by_kernel) {
  if (result.samples.size() < 2) {
    throw std::runtime_error("fewer than two samples");
  }
  const Series fds = series(result.samples, &Sample::fds);
  const Series rss = series(result.samples, &Sample::rss_kib);
  const double minutes = result.seconds / 60.0;
  fmt::print("{}: {} toggles in {:.0f} s ({:.0f} toggles/s){}; {} samples\n", title, result.toggles,
             result.seconds, static_cast<double>(result.toggles) / result.seconds,
             seen_by_kernel ? fmt::format("; the fake kernel saw {} level changes", *seen_by_kernel)
                            : std::string(),
             result.samples.size());
  fmt::print("    open fds      first {:6}  last {:6}  min {:6}  max {:6}  slope {:+.4f}/min\n",
             fds.first, fds.last, fds.min, fds.max, fds.slope);
  fmt::print(
      "    RSS (KiB)     first {:6}  last {:6}  min {:6}  max {:6}  slope {:+.4f} KiB/min "
      "(second half {:+.4f})\n",
      rss.first, rss.last, rss.min, rss.max, rss.slope, rss.late_slope);
  const bool fds_flat = fds.max == fds.first && fds.min == fds.first;
  const bool rss_flat = rss.late_slope * minutes < 4.0;
  fmt::print("    flat: fds {}, RSS {}\n", fds_flat ? "yes" : "NO", rss_flat ? "yes" : "NO");
  (void)std::fflush(stdout);
  return fds_flat && rss_flat;
}

std::vector<std::string> blink_args(const Settings& settings) {
  // 1 ms on, 1 ms off: the period floor, 1000 toggles a second. The default log level
  // logs no edge, so the log holds start-up, the statistics asked for and the end.
  return {settings.daemon, "--on", "1ms", "--off", "1ms"};
}

bool soak_sysfs(const Settings& settings) {
  test_support::TempDir dir("gpio-blinkd-soak");
  fake_sysfs::KernelConfig config;
  config.chips = {{"pinctrl-soak", 512, 32}};
  fake_sysfs::FakeGpioKernel kernel(config);
  fake_sysfs::FakeSysfsMount mount(kernel, dir.path() / "sys");
  auto args = blink_args(settings);
  args.insert(args.end(),
              {"--backend", "sysfs", "--sysfs-root", mount.mountpoint().string(), "529"});
  fmt::print("soak: sysfs backend on the FUSE fake sysfs, until {} toggles\n", settings.toggles);
  (void)std::fflush(stdout);
  const Result result = soak(args, dir.path() / "daemon.log", settings.toggles);
  const auto events = kernel.events();
  const long levels = std::count_if(events.begin(), events.end(), [](const fake_sysfs::Event& e) {
    return e.number == 529 && e.kind == "level";
  });
  write_csv(settings, "sysfs", result);
  return report("sysfs (FUSE fake sysfs)", result, levels);
}

bool soak_sim(const Settings& settings) {
  test_support::TempDir dir("gpio-blinkd-soak");
  auto args = blink_args(settings);
  args.insert(args.end(), {"--backend", "sim", "--sim-display", "none", "GPIO17"});
  fmt::print("soak: sim backend (--sim-display none), until {} toggles\n", settings.toggles);
  (void)std::fflush(stdout);
  const Result result = soak(args, dir.path() / "daemon.log", settings.toggles);
  write_csv(settings, "sim", result);
  return report("sim", result, std::nullopt);
}

Settings parse_arguments(int argc, char** argv) {
  Settings settings;
  for (int i = 1; i < argc; i += 2) {
    const std::string_view option = argv[i];
    if (i + 1 >= argc) {
      throw std::invalid_argument(fmt::format("{} needs a value", option));
    }
    const std::string value = argv[i + 1];
    if (option == "--daemon") {
      settings.daemon = value;
    } else if (option == "--toggles") {
      settings.toggles = std::stoull(value);
    } else if (option == "--backend" && (value == "sysfs" || value == "sim" || value == "both")) {
      settings.backend = value;
    } else if (option == "--csv") {
      settings.csv_dir = value;
    } else {
      throw std::invalid_argument(
          "usage: blink-soak [--daemon PATH] [--toggles N] [--backend sysfs|sim|both] [--csv DIR]");
    }
  }
  return settings;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Settings settings = parse_arguments(argc, argv);
    bool flat = true;
    // One after the other: two soaks at once would share the two cores and each
    // disturb the other's timing.
    if (settings.backend != "sim") {
      flat = soak_sysfs(settings) && flat;
    }
    if (settings.backend != "sysfs") {
      flat = soak_sim(settings) && flat;
    }
    return flat ? 0 : 1;
  } catch (const std::exception& error) {
    (void)std::fprintf(stderr, "blink-soak: %s\n", error.what());
    return 1;
  }
}
