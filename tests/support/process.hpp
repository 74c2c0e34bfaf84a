// SPDX-License-Identifier: MIT
// Run a program as a child process, as a user or a service manager would: argv,
// environment, stdout and stderr captured, signals, exit status, timeouts.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

struct ProcessResult {
  int exit_code = -1;   // when it exited
  int term_signal = 0;  // when a signal killed it
  bool timed_out = false;
  std::string out;
  std::string err;
};

class Process {
 public:
  // Starts `argv` with exactly `environment` (nothing inherited). stdout and stderr
  // go to files in a private temp dir so a chatty child never blocks on a pipe.
  Process(std::vector<std::string> argv, std::map<std::string, std::string> environment);
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  Process(Process&&) = delete;
  Process& operator=(Process&&) = delete;
  ~Process();  // kills (SIGKILL) and reaps a child still running

  [[nodiscard]] pid_t pid() const { return pid_; }
  void signal(int signal) const;
  // Wait for exit up to `timeout`; on timeout SIGKILL it and set timed_out.
  ProcessResult wait(std::chrono::milliseconds timeout);
  // What the child has written so far.
  [[nodiscard]] std::string out_so_far() const;
  [[nodiscard]] std::string err_so_far() const;
  // Poll until `predicate(err_so_far())` holds or `timeout`; true when it held.
  template <typename Predicate>
  bool wait_for_stderr(Predicate predicate, std::chrono::milliseconds timeout) const;
  [[nodiscard]] bool running();

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_file_;
  std::filesystem::path err_file_;
  std::filesystem::path dir_;
  std::optional<ProcessResult> finished_;
};

// Run to completion (with a timeout) and collect everything.
ProcessResult run_process(std::vector<std::string> argv,
                          std::map<std::string, std::string> environment = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A minimal environment for the daemon under test: PATH, and GPIO_BLINKD_CONTROL=none.
std::map<std::string, std::string> clean_environment();

// Wall-clock bounds in tests are kept where a loaded 2-core CI machine (kernel guests
// beside the test) still meets them: what the daemon promises plus this much scheduling
// slack. Under sanitizers every instruction is slower and each exit runs a leak scan.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr std::chrono::milliseconds kSchedulingSlack{1500};
#else
inline constexpr std::chrono::milliseconds kSchedulingSlack{500};
#endif

// Polls `predicate()` until it holds or `timeout` passes; true when it held. For what a
// process does "soon" (a file written, a connection slot freed): never a fixed sleep.
template <typename Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    struct timespec pause {
      0, 10'000'000
    };
    nanosleep(&pause, nullptr);
  }
  return true;
}

template <typename Predicate>
bool Process::wait_for_stderr(Predicate predicate, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate(err_so_far())) {
      return true;
    }
    struct timespec pause {
      0, 5'000'000
    };
    nanosleep(&pause, nullptr);
  }
  return predicate(err_so_far());
}

}  // namespace test_support
