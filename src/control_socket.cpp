// SPDX-License-Identifier: MIT
#include "control_socket.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "control_protocol.hpp"
#include "hal/hal.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/text.hpp"
#include "output.hpp"
#include "usage_error.hpp"
#include "value_parsers.hpp"

namespace blinkd {
namespace {

constexpr int kFirstActivatedFd = 3;  // SD_LISTEN_FDS_START
constexpr std::size_t kMaxListenFds = 64;
constexpr unsigned long long kMaxPid = 4'194'304;
constexpr gid_t kMaxGid = 4'294'967'294U;  // (gid_t)-1 means "unchanged"
constexpr std::size_t kMaxReply = std::size_t{1024} * 1024;

std::optional<sockaddr_un> address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return std::nullopt;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

// Whether a process accepts connections on the socket at `path`.
bool someone_listens(const sockaddr_un& address) {
  const hal::UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!probe.valid()) {
    return false;
  }
  const int connected = hal::retry_eintr([&] {
    return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address),  // NOLINT
                     sizeof address);
  });
  return connected == 0 || errno == EAGAIN;  // EAGAIN: a listener with a full backlog
}

void make_directory(const std::filesystem::path& dir, uid_t uid) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    return;
  }
  make_directory(dir.parent_path(), uid);
  // Root's directory is searchable by the group the socket is for; a user's is private.
  if (::mkdir(dir.c_str(), uid == 0 ? 0755 : 0700) != 0 && errno != EEXIST) {
    const int err = errno;
    throw hal::Error(dir.string(), "cannot be created", err,
                     err == EROFS ? "the file system is read-only here (a container with "
                                    "--read-only?): give --control a writable path, or none"
                                  : std::string());
  }
}

}  // namespace

std::optional<ListeningSocket> activated_socket(const Environment& environment, pid_t self,
                                                std::string& problem) {
  const auto pid = environment.find("LISTEN_PID");
  const auto fds = environment.find("LISTEN_FDS");
  if (pid == environment.end() || fds == environment.end()) {
    return std::nullopt;
  }
  try {
    const auto owner = parse_number(pid->second, "LISTEN_PID", 1, kMaxPid);
    if (owner != static_cast<unsigned long long>(self)) {
      return std::nullopt;  // passed to another process
    }
    const auto count = parse_number(fds->second, "LISTEN_FDS", 1, kMaxListenFds);
    for (auto extra = static_cast<int>(count) - 1; extra > 0; --extra) {
      ::close(kFirstActivatedFd + extra);  // only the first socket is ours to use
    }
  } catch (const UsageError& error) {
    problem = fmt::format("{}; socket activation not used", error.what());
    return std::nullopt;
  }
  struct stat info {};
  int accepting = 0;
  int type = 0;
  int domain = 0;
  socklen_t size = sizeof(int);
  const bool listening =
      ::fstat(kFirstActivatedFd, &info) == 0 && S_ISSOCK(info.st_mode) &&
      ::getsockopt(kFirstActivatedFd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &size) == 0 &&
      accepting == 1 && ::getsockopt(kFirstActivatedFd, SOL_SOCKET, SO_TYPE, &type, &size) == 0 &&
      type == SOCK_STREAM &&
      ::getsockopt(kFirstActivatedFd, SOL_SOCKET, SO_DOMAIN, &domain, &size) == 0 &&
      domain == AF_UNIX;
  if (!listening) {
    problem =
        "LISTEN_FDS: descriptor 3 is not a listening AF_UNIX stream socket (the socket unit "
        "needs ListenStream=PATH); socket activation not used";
    return std::nullopt;
  }
  sockaddr_un address{};
  socklen_t length = sizeof address;
  std::string where = "the socket systemd passed";
  if (::getsockname(kFirstActivatedFd, reinterpret_cast<sockaddr*>(&address), &length) == 0 &&
      address.sun_path[0] != '\0') {
    where = std::string(address.sun_path, strnlen(address.sun_path, sizeof address.sun_path));
  }
  return ListeningSocket{hal::UniqueFd(kFirstActivatedFd), std::move(where), false};
}

std::optional<std::string> default_control_path(const Environment& environment, uid_t uid) {
  if (uid == 0) {
    return std::string(kSystemControlPath);
  }
  const auto runtime = environment.find("XDG_RUNTIME_DIR");
  if (runtime == environment.end() || !runtime->second.starts_with('/')) {
    return std::nullopt;
  }
  return runtime->second + "/gpio-blinkd/control";
}

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

ListeningSocket bind_control_socket(const std::string& path, std::optional<gid_t> group) {
  const auto address = address_of(path);
  if (!address) {
    throw hal::Error(hal::printable(path), fmt::format("not a socket path: at most {} bytes",
                                                       sizeof(sockaddr_un::sun_path) - 1));
  }
  make_directory(std::filesystem::path(path).parent_path(), ::getuid());
  struct stat existing {};
  if (::lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      throw hal::Error(path, "exists and is not a socket", 0, "not replacing it");
    }
    if (someone_listens(*address)) {
      throw hal::Error(path, "is in use: another gpio-blinkd listens on it", EADDRINUSE,
                       "stop it, or give this one its own --control path");
    }
    ::unlink(path.c_str());  // a stale socket of a daemon that is gone
  }
  hal::UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    throw hal::Error(path, "socket() failed", errno);
  }
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*address),  // NOLINT: sockets API
             sizeof *address) != 0) {
    const int err = errno;
    throw hal::Error(path, "cannot be bound", err,
                     err == EROFS ? "the file system is read-only here: give --control a "
                                    "writable path, or none"
                                  : std::string());
  }
  if (::chmod(path.c_str(), 0660) != 0 ||
      (group && ::chown(path.c_str(), static_cast<uid_t>(-1), *group) != 0)) {
    const int err = errno;
    ::unlink(path.c_str());
    throw hal::Error(path,
                     group ? fmt::format("cannot be given to group {}", *group)
                           : std::string("cannot be made mode 0660"),
                     err, "the daemon must be root or a member of that group");
  }
  if (::listen(fd.get(), 16) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    throw hal::Error(path, "listen() failed", err);
  }
  return ListeningSocket{std::move(fd), path, true};
}

gid_t group_id_in(std::string_view text, std::string_view name, std::string_view file) {
  while (!text.empty()) {
    const auto end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    // name:password:gid:members
    const auto first = line.find(':');
    const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
    const auto third = second == std::string_view::npos ? second : line.find(':', second + 1);
    if (third == std::string_view::npos || line.substr(0, first) != name) {
      continue;
    }
    const std::string_view gid = line.substr(second + 1, third - second - 1);
    if (auto number = hal::parse_unsigned(gid, kMaxGid)) {
      return static_cast<gid_t>(*number);
    }
    throw UsageError(
        fmt::format("option --control-group '{}': {} gives it the id '{}', not a "
                    "number",
                    hal::printable(name), hal::printable(file), hal::printable(gid)));
  }
  throw UsageError(fmt::format("option --control-group '{}': no such group in {}",
                               hal::printable(name), hal::printable(file)));
}

gid_t resolve_group(std::string_view name_or_number, const std::filesystem::path& group_file) {
  if (!name_or_number.empty() &&
      name_or_number.find_first_not_of("0123456789") == std::string_view::npos) {
    return static_cast<gid_t>(parse_number(name_or_number, "option --control-group", 0, kMaxGid));
  }
  const auto text = hal::sysfs::read_text_file(group_file);
  if (!text) {
    throw UsageError(fmt::format(
        "option --control-group '{}': {} cannot be read; give the group's number instead",
        hal::printable(name_or_number), group_file.string()));
  }
  return group_id_in(*text, name_or_number, group_file.string());
}

namespace {

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
        parsed.timeout =
            parse_duration(value, "ctl: option --timeout",
                           DurationRange{std::chrono::milliseconds(100), std::chrono::minutes(10)});
      }
    } else if (arg.starts_with("--control=")) {
      parsed.control = std::string(arg.substr(10));
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

}  // namespace

namespace {

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
  const auto address = address_of(path);
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
