// SPDX-License-Identifier: MIT
#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "support/temp_dir.hpp"

namespace test_support {
namespace {

std::string read_if_exists(const std::filesystem::path& file) {
  try {
    return read_file(file);
  } catch (const std::runtime_error&) {
    return {};
  }
}

ProcessResult decode(int status) {
  ProcessResult result;
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace

Process::Process(std::vector<std::string> argv, std::map<std::string, std::string> environment) {
  char dir_template[] = "/tmp/gpio-blinkd-proc-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp");
  }
  dir_ = dir_template;
  out_file_ = dir_ / "stdout";
  err_file_ = dir_ / "stderr";

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_file_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_file_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child starts with no blocked signals and default dispositions, whatever the
  // test runner did.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (auto& arg : argv) {
    args.push_back(arg.data());
  }
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (const auto& [name, value] : environment) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> env;
  for (auto& entry : env_strings) {
    env.push_back(entry.data());
  }
  env.push_back(nullptr);

  const int err =
      ::posix_spawn(&pid_, args.front(), &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (err != 0) {
    throw std::system_error(err, std::generic_category(), "posix_spawn " + argv.front());
  }
}

Process::~Process() {
  if (!finished_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Process::signal(int signal) const {
  ::kill(pid_, signal);
}

bool Process::running() {
  if (finished_) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    finished_ = decode(status);
    return false;
  }
  return true;
}

ProcessResult Process::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!finished_) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      finished_ = decode(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      finished_ = decode(status);
      finished_->timed_out = true;
      break;
    }
    struct timespec pause {
      0, 2'000'000
    };
    nanosleep(&pause, nullptr);
  }
  ProcessResult result = *finished_;
  result.out = out_so_far();
  result.err = err_so_far();
  return result;
}

std::string Process::out_so_far() const {
  return read_if_exists(out_file_);
}
std::string Process::err_so_far() const {
  return read_if_exists(err_file_);
}

ProcessResult run_process(std::vector<std::string> argv,
                          std::map<std::string, std::string> environment,
                          std::chrono::milliseconds timeout) {
  Process process(std::move(argv), std::move(environment));
  return process.wait(timeout);
}

std::map<std::string, std::string> clean_environment() {
  // No control socket unless a test asks for one: tests run as root in parallel, and the
  // default (/run/gpio-blinkd/control) is shared by every daemon of the machine.
  return {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"GPIO_BLINKD_CONTROL", "none"}};
}

}  // namespace test_support
