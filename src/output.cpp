// SPDX-License-Identifier: MIT
#include "output.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

namespace blinkd {
namespace {

constexpr auto kWriteRetry = std::chrono::milliseconds(10);

}  // namespace

void ensure_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) {
      continue;
    }
    // open() returns the lowest free descriptor: this one.
    int opened = ::open("/dev/null", O_RDWR | O_NOCTTY);
    if (opened < 0) {
      // No /dev/null (a bare container): any descriptor that goes nowhere will do.
      opened = ::open("/", O_PATH | O_DIRECTORY);
    }
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

OutputChannel::OutputChannel(int fd) : fd_(fd) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return;
  }
  if (S_ISSOCK(info.st_mode)) {
    socket_ = true;
    return;
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK) != 0 ||
      !(S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode))) {
    return;  // regular files never block on write; a non-blocking fd already is what we want
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  hal::UniqueFd own(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (own.valid()) {
    own_ = std::move(own);
    fd_ = own_.get();
  }
}

long OutputChannel::write_some(std::string_view text) const {
  return hal::retry_eintr([&] {
    return socket_ ? ::send(fd_, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL)
                   : ::write(fd_, text.data(), text.size());
  });
}

int OutputChannel::try_write(std::string_view text) const {
  const long written = write_some(text);
  if (written < 0) {
    return errno == EWOULDBLOCK ? EAGAIN : errno;
  }
  // A terminal may take part of a line; the rest is dropped rather than waited for.
  return static_cast<std::size_t>(written) == text.size() ? 0 : EAGAIN;
}

int OutputChannel::write_all(std::string_view text, const hal::Pause& pause) const {
  while (!text.empty()) {
    const long written = write_some(text);
    if (written > 0) {
      text.remove_prefix(static_cast<std::size_t>(written));
      continue;
    }
    const int err = written < 0 ? errno : EIO;
    if (err != EAGAIN && err != EWOULDBLOCK) {
      return err;
    }
    if (!pause(kWriteRetry)) {
      return EINTR;
    }
  }
  return 0;
}

}  // namespace blinkd
