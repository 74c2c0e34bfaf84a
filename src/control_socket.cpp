// SPDX-License-Identifier: MIT
#include "control_socket.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "hal/sysfs_attributes.hpp"
#include "hal/text.hpp"
#include "usage_error.hpp"
#include "value_parsers.hpp"

namespace blinkd {
namespace {

constexpr int kFirstActivatedFd = 3;  // SD_LISTEN_FDS_START
constexpr std::size_t kMaxListenFds = 64;
constexpr unsigned long long kMaxPid = 4'194'304;
constexpr gid_t kMaxGid = 4'294'967'294U;  // (gid_t)-1 means "unchanged"

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

std::optional<sockaddr_un> socket_address(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    return std::nullopt;
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  return address;
}

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

ListeningSocket bind_control_socket(const std::string& path, std::optional<gid_t> group) {
  const auto address = socket_address(path);
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

}  // namespace blinkd
