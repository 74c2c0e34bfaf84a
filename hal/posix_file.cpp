// SPDX-License-Identifier: MIT
#include "hal/posix_file.hpp"

#include <unistd.h>

namespace hal {

void UniqueFd::reset(int fd) noexcept {
  if (fd_ >= 0) {
    // close() is not retried on EINTR: on Linux the descriptor is gone either way.
    ::close(fd_);
  }
  fd_ = fd;
}

}  // namespace hal
