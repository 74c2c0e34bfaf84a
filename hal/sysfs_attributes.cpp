// SPDX-License-Identifier: MIT
#include "hal/sysfs_attributes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "hal/text.hpp"

namespace hal::sysfs {
namespace {

constexpr auto kRetryStep = std::chrono::milliseconds(5);

const char* file_type(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFIFO:
      return "a FIFO";
    case S_IFSOCK:
      return "a socket";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFDIR:
      return "a directory";
    default:
      return "not a regular file";
  }
}

}  // namespace

UniqueFd open_attribute(const fs::path& file, int flags) {
  UniqueFd owned(
      retry_eintr([&] { return ::open(file.c_str(), flags | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); }));
  if (!owned.valid()) {
    if (errno == ENXIO || errno == EISDIR) {  // a FIFO with no reader, a socket, a directory
      struct stat info {};
      if (::stat(file.c_str(), &info) == 0 && !S_ISREG(info.st_mode)) {
        throw Error(file.string(),
                    fmt::format("is {} where sysfs has a regular file", file_type(info.st_mode)), 0,
                    "not touching it: is --sysfs-root right?");
      }
    }
    return owned;
  }
  struct stat info {};
  if (::fstat(owned.get(), &info) != 0) {
    return {};
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error(file.string(),
                fmt::format("is {} where sysfs has a regular file", file_type(info.st_mode)), 0,
                "not touching it: is --sysfs-root right?");
  }
  return owned;
}

bool path_exists(const fs::path& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::string access_hint(int errnum) {
  switch (errnum) {
    case EACCES:
    case EPERM:
      return "run as root, or as a member of the group that udev gives /sys/class/gpio "
             "(group 'gpio' on Raspberry Pi OS)";
    case EROFS:
      return "/sys is read-only here; in a container bind-mount it read-write "
             "(docker run -v /sys:/sys, gadget.yml binds: ['/sys:/sys']); under the systemd "
             "unit, add the chip's /sys/devices path to ReadWritePaths=";
    default:
      return {};
  }
}

void require_directory(const fs::path& dir, std::string_view hint) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0) {
    const int err = errno;
    throw Error(dir.string(), "does not exist or cannot be accessed", err, std::string(hint));
  }
  if (!S_ISDIR(info.st_mode)) {
    throw Error(dir.string(), "is not a directory", 0, std::string(hint));
  }
}

std::string read_attribute(const fs::path& file) {
  if (!path_exists(file)) {
    throw Error(file.string(), "is missing", ENOENT);
  }
  UniqueFd fd = open_attribute(file, O_RDONLY);
  if (!fd.valid()) {
    const int err = errno;
    throw Error(file.string(), "cannot be opened for reading", err, access_hint(err));
  }
  std::array<char, 256> buffer{};
  const ssize_t count = retry_eintr([&] { return ::read(fd.get(), buffer.data(), buffer.size()); });
  if (count < 0) {
    const int err = errno;
    throw Error(file.string(), "read failed", err);
  }
  std::string text(buffer.data(), static_cast<std::size_t>(count));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

std::optional<std::string> read_text_file(const fs::path& file, std::size_t limit) {
  UniqueFd fd;
  try {
    fd = open_attribute(file, O_RDONLY);
  } catch (const Error&) {
    return std::nullopt;  // not a file the kernel made: as good as absent
  }
  if (!fd.valid()) {
    return std::nullopt;
  }
  std::string text;
  std::array<char, 4096> buffer{};
  while (text.size() < limit) {
    const ssize_t count =
        retry_eintr([&] { return ::read(fd.get(), buffer.data(), buffer.size()); });
    if (count < 0) {
      return std::nullopt;
    }
    if (count == 0) {
      break;
    }
    text.append(buffer.data(), static_cast<std::size_t>(count));
  }
  return text;
}

unsigned read_unsigned_attribute(const fs::path& file, unsigned max) {
  const std::string text = read_attribute(file);
  const auto value = parse_unsigned(text, max);
  if (!value) {
    throw Error(file.string(), fmt::format("holds '{}', expected a whole number from 0 to {}",
                                           printable(text), max));
  }
  return *value;
}

int try_write_attribute(const fs::path& file, std::string_view value) {
  if (!path_exists(file)) {
    return ENOENT;
  }
  UniqueFd fd = open_attribute(file, O_WRONLY);
  if (!fd.valid()) {
    return errno;
  }
  const ssize_t written =
      retry_eintr([&] { return ::write(fd.get(), value.data(), value.size()); });
  if (written < 0) {
    return errno;
  }
  return static_cast<std::size_t>(written) == value.size() ? 0 : EIO;
}

void write_attribute(const fs::path& file, std::string_view value, std::string_view hint) {
  const int err = try_write_attribute(file, value);
  if (err == ENOENT) {
    throw Error(file.string(), "is missing", err, std::string(hint));
  }
  if (err != 0) {
    std::string full_hint = access_hint(err);
    if (full_hint.empty()) {
      full_hint = hint;
    }
    throw Error(file.string(), fmt::format("writing '{}' failed", value), err, full_hint);
  }
}

UniqueFd open_writable_by(const fs::path& file, Clock::time_point deadline, const Pause& pause) {
  for (;;) {
    UniqueFd fd = open_attribute(file, O_WRONLY);
    if (fd.valid()) {
      return fd;
    }
    const int err = errno;
    const bool may_settle = err == ENOENT || err == EACCES || err == EPERM;
    if (!may_settle || Clock::now() >= deadline) {
      if (err == ENOENT) {
        throw Error(file.string(), "is missing", err);
      }
      std::string hint = access_hint(err);
      if (err == EACCES || err == EPERM) {
        hint += "; if udev is slow to fix the permissions, raise --permission-wait";
      }
      throw Error(file.string(), "cannot be opened for writing", err, hint);
    }
    if (!pause(kRetryStep)) {
      throw Interrupted();
    }
  }
}

}  // namespace hal::sysfs
