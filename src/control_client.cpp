// SPDX-License-Identifier: MIT
#include "control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "control_protocol.hpp"
#include "control_socket.hpp"
#include "duration.hpp"
#include "hal/posix_file.hpp"
#include "hal/text.hpp"
#include "output.hpp"
#include "usage_error.hpp"

namespace blinkd {
namespace {

constexpr std::size_t kMaxReply = std::size_t{1024} * 1024;
constexpr DurationRange kCtlTimeoutRange{std::chrono::milliseconds(100), std::chrono::minutes(10)};
constexpr int kCtlOk = 0;
constexpr int kCtlError = 1;
constexpr int kCtlUnreachable = 2;

struct CtlArguments {
  std::optional<std::string> control;
  Duration timeout = std::chrono::seconds(10);
  std::vector<std::string> words;
  bool help = false;
};

constexpr std::string_view kCtlUsage =
    "Usage: gpio-blinkd ctl [--control PATH] [--timeout DUR] COMMAND...\n"
    "\n"
    "Send COMMAND to a running gpio-blinkd over its control socket and print the reply.\n"
    "Commands: version, status, state NAME, set LINE SETTINGS, identify [LINE] [DUR],\n"
    "reset [LINE], help (docs/control.md).\n"
    "\n"
    "The socket: --control PATH, else GPIO_BLINKD_CONTROL, else the first of these that\n"
    "exists: as root /run/gpio-blinkd/control; as another user\n"
    "$XDG_RUNTIME_DIR/gpio-blinkd/control (a daemon of your own), then\n"
    "/run/gpio-blinkd/control (the system's: members of group gpio may use it).\n"
    "\n"
    "Exit status: 0 when the daemon answered ok, 1 when it answered error (the message\n"
    "is on stderr), 2 when no daemon could be reached or it did not answer in time.\n";

CtlArguments read_ctl_arguments(std::span<const char* const> args) {
  CtlArguments parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!parsed.words.empty() || !arg.starts_with("-") || arg == "-") {
      parsed.words.emplace_back(arg);  // the command and its words, options or not
    } else if (arg == "-h" || arg == "--help") {
      parsed.help = true;
    } else if (arg == "--control" || arg == "--timeout") {
      if (i + 1 == args.size()) {
        throw UsageError(fmt::format("ctl: option {} needs a value", arg));
      }
      const std::string_view value = args[++i];
      if (arg == "--control") {
        parsed.control = std::string(value);
      } else {
        parsed.timeout = parse_duration(value, "ctl: option --timeout", kCtlTimeoutRange);
      }
    } else if (arg.starts_with("--control=")) {
      parsed.control = std::string(arg.substr(10));
    } else if (arg.starts_with("--timeout=")) {
      parsed.timeout = parse_duration(arg.substr(10), "ctl: option --timeout", kCtlTimeoutRange);
    } else {
      throw UsageError(fmt::format("ctl: unknown option '{}'", hal::printable(arg)));
    }
  }
  return parsed;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    text += fmt::format("{}{}", text.empty() ? "" : " ", word);
  }
  return text;
}

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd waiting{fd, events, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready > 0) {
      return true;
    }
    if (ready < 0 && errno != EINTR) {
      return false;
    }
  }
}

// A failure of ctl: its exit status and message.
struct CtlFailure {
  int status;
  std::string message;
};

// The socket ctl talks to: --control, GPIO_BLINKD_CONTROL, or the first candidate that
// exists (its own daemon's before the system's).
std::string ctl_socket_path(const CtlArguments& parsed, const Environment& environment) {
  if (parsed.control) {
    return *parsed.control;
  }
  if (auto variable = environment.find("GPIO_BLINKD_CONTROL");
      variable != environment.end() && !variable->second.empty()) {
    return variable->second;
  }
  const std::vector<std::string> candidates = ctl_candidate_paths(environment, ::getuid());
  for (const auto& candidate : candidates) {
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISSOCK(info.st_mode)) {
      return candidate;
    }
  }
  if (candidates.size() == 1) {
    return candidates.front();  // the usual "no such file" names it
  }
  std::string tried;
  for (const auto& candidate : candidates) {
    tried += fmt::format("{}{}", tried.empty() ? "" : ", ", candidate);
  }
  throw CtlFailure{kCtlUnreachable, fmt::format("no gpio-blinkd control socket at {} (is the "
                                                "daemon running? else give --control PATH)",
                                                tried)};
}

hal::UniqueFd connect_to(const std::string& path) {
  const auto address = socket_address(path);
  if (!address || path == "none") {
    throw CtlFailure{kCtlUnreachable,
                     fmt::format("'{}' is not a socket path", hal::printable(path))};
  }
  hal::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const int connected = hal::retry_eintr([&] {
    return ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address),  // NOLINT
                     sizeof *address);
  });
  if (connected != 0 && errno != EINPROGRESS && errno != EAGAIN) {
    const int error = errno;
    throw CtlFailure{
        kCtlUnreachable,
        fmt::format("cannot reach a gpio-blinkd at {}: {}{}", path, std::strerror(error),
                    error == EACCES ? " (the socket belongs to group gpio: join it, or use sudo)"
                    : error == ENOENT || error == ECONNREFUSED
                        ? " (is the daemon running? systemctl status gpio-blinkd)"
                        : "")};
  }
  return fd;
}

void send_request(int fd, const std::string& path, std::string_view line,
                  std::chrono::steady_clock::time_point deadline) {
  while (!line.empty()) {
    if (!wait_for(fd, POLLOUT, deadline)) {
      throw CtlFailure{kCtlUnreachable, fmt::format("{}: no answer in time", path)};
    }
    const ssize_t sent =
        hal::retry_eintr([&] { return ::send(fd, line.data(), line.size(), MSG_NOSIGNAL); });
    if (sent < 0 && errno != EAGAIN) {
      throw CtlFailure{kCtlUnreachable, fmt::format("cannot reach a gpio-blinkd at {}: {}", path,
                                                    std::strerror(errno))};
    }
    line.remove_prefix(sent > 0 ? static_cast<std::size_t>(sent) : 0);
  }
}

// The reply's data lines (each with its newline) and its final line.
std::pair<std::string, std::string> receive_reply(int fd, const std::string& path,
                                                  std::chrono::steady_clock::time_point deadline) {
  std::string pending;
  std::string data;
  std::array<char, 4096> buffer{};
  for (;;) {
    if (data.size() + pending.size() > kMaxReply || !wait_for(fd, POLLIN, deadline)) {
      throw CtlFailure{kCtlUnreachable, fmt::format("{}: no complete answer in time", path)};
    }
    const ssize_t size =
        hal::retry_eintr([&] { return ::recv(fd, buffer.data(), buffer.size(), 0); });
    if (size < 0 && errno == EAGAIN) {
      continue;
    }
    if (size <= 0) {
      throw CtlFailure{kCtlUnreachable, fmt::format("{}: the daemon closed the connection", path)};
    }
    pending.append(buffer.data(), static_cast<std::size_t>(size));
    for (auto newline = pending.find('\n'); newline != std::string::npos;
         newline = pending.find('\n')) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (is_final_line(line)) {
        return {std::move(data), std::move(line)};
      }
      data += line + "\n";
    }
  }
}

}  // namespace

std::vector<std::string> ctl_candidate_paths(const Environment& environment, uid_t uid) {
  std::vector<std::string> paths;
  if (auto own = default_control_path(environment, uid)) {
    paths.push_back(std::move(*own));
  }
  if (uid != 0) {
    paths.emplace_back(kSystemControlPath);
  }
  return paths;
}

int run_ctl(std::span<const char* const> args, const Environment& environment) {
  const OutputChannel out(STDOUT_FILENO);
  const OutputChannel err(STDERR_FILENO);
  const hal::Pause no_stop = [](std::chrono::nanoseconds) { return true; };
  try {
    CtlArguments parsed;
    try {
      parsed = read_ctl_arguments(args);
    } catch (const UsageError& error) {
      throw CtlFailure{kCtlUnreachable,
                       fmt::format("{} (see gpio-blinkd ctl --help)", error.what())};
    }
    if (parsed.help) {
      (void)out.write_all(kCtlUsage, no_stop);
      return kCtlOk;
    }
    if (parsed.words.empty()) {
      throw CtlFailure{kCtlUnreachable, "no COMMAND given (see gpio-blinkd ctl --help)"};
    }
    const std::string request = join(parsed.words);
    if (auto checked = parse_request(request); std::holds_alternative<std::string>(checked)) {
      throw CtlFailure{kCtlError, std::get<std::string>(checked)};
    }
    const std::string path = ctl_socket_path(parsed, environment);
    const auto deadline = std::chrono::steady_clock::now() + parsed.timeout;
    const hal::UniqueFd fd = connect_to(path);
    send_request(fd.get(), path, request + "\n", deadline);
    const auto [data, final_line] = receive_reply(fd.get(), path, deadline);
    (void)out.write_all(data, no_stop);
    const bool ok = final_line.starts_with("ok");
    const std::string message =
        final_line.substr(std::min<std::size_t>(final_line.size(), ok ? 3 : 6));
    if (ok) {
      if (!message.empty()) {
        (void)out.write_all(fmt::format("{}\n", message), no_stop);
      }
      return kCtlOk;
    }
    throw CtlFailure{kCtlError, message.empty() ? std::string("error") : message};
  } catch (const CtlFailure& failure) {
    (void)err.write_all(fmt::format("gpio-blinkd ctl: {}\n", failure.message), no_stop);
    return failure.status;
  }
}

}  // namespace blinkd
