// SPDX-License-Identifier: MIT
// Standard output and standard error as the daemon writes them: a slow or vanished
// reader, a full disk or a restarted journal never blocks the blink and never kills
// the process (SIGPIPE), and nothing is lost without being counted.
#pragma once

#include <cstdint>
#include <string_view>

#include "hal/hal.hpp"
#include "hal/posix_file.hpp"

namespace blinkd {

// Opens /dev/null on each of the descriptors 0, 1 and 2 that is closed, before anything
// else opens a file: otherwise the first file opened (a GPIO value file) would become
// stderr and the log would be written into it.
void ensure_standard_descriptors();

class OutputChannel {
 public:
  // Writes to `fd` through a non-blocking file description of its own where the fd is a
  // pipe, FIFO or terminal (the shared one is left as it was, so the shell that shares
  // a terminal is not disturbed); sockets are sent to with MSG_DONTWAIT.
  explicit OutputChannel(int fd);

  // All of `text` at once or nothing, never blocking. Returns 0 or the errno (EAGAIN
  // when the reader is behind).
  [[nodiscard]] int try_write(std::string_view text) const;

  // All of `text`, waiting through `pause` while the reader is behind. Returns 0, the
  // errno of a failed write, or EINTR when a stop was asked for.
  [[nodiscard]] int write_all(std::string_view text, const hal::Pause& pause) const;

  [[nodiscard]] int fd() const { return fd_; }

 private:
  [[nodiscard]] long write_some(std::string_view text) const;

  int fd_;
  hal::UniqueFd own_;  // the reopened description, when there is one
  bool socket_ = false;
};

}  // namespace blinkd
