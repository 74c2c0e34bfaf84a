// SPDX-License-Identifier: MIT
// The loop every blink example starts as (NextThingCo's rustio among them): open the
// value file, write, close, sleep half a period, repeat. The relative sleep lets each
// write and wake-up add to the next deadline: the drift gpio-blinkd is measured against.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

int main(int argc, char** argv) {
  if (argc != 4) {
    (void)std::fputs("usage: naive-blink VALUE_FILE HALF_PERIOD_US BLINKS\n", stderr);
    return 1;
  }
  const char* value_file = argv[1];
  char* end = nullptr;
  const long half_period_us = std::strtol(argv[2], &end, 10);
  const bool period_ok = *end == '\0' && half_period_us > 0;
  const long blinks = std::strtol(argv[3], &end, 10);
  if (!period_ok || *end != '\0' || blinks <= 0) {
    (void)std::fputs("naive-blink: HALF_PERIOD_US and BLINKS must be positive numbers\n", stderr);
    return 1;
  }
  const timespec half{half_period_us / 1'000'000, (half_period_us % 1'000'000) * 1000};
  for (long edge = 0; edge < blinks * 2; ++edge) {
    const int fd = ::open(value_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, edge % 2 == 0 ? "1" : "0", 1) != 1) {
      std::perror(value_file);
      return 1;
    }
    ::close(fd);
    ::nanosleep(&half, nullptr);
  }
  return 0;
}
