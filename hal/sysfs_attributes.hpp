// SPDX-License-Identifier: MIT
// Checked access to sysfs attributes, for every backend that reads or writes sysfs:
// every operation first checks that the path exists, and every failure names the
// path, the errno and what to do.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hal/hal.hpp"
#include "hal/posix_file.hpp"

namespace hal::sysfs {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// stat(2) succeeds: the path exists and its parents are searchable.
[[nodiscard]] bool path_exists(const fs::path& path);

// Throws hal::Error when `dir` is missing or not a directory.
void require_directory(const fs::path& dir, std::string_view hint);

// The attribute's text without its trailing newline. Throws hal::Error.
[[nodiscard]] std::string read_attribute(const fs::path& file);

// A small text file in one piece (debugfs summaries), or nullopt when it cannot be
// read. Stops at `limit` bytes.
[[nodiscard]] std::optional<std::string> read_text_file(const fs::path& file,
                                                        std::size_t limit = 1U << 20U);

// Like read_attribute, then parsed as an unsigned number up to `max`. Throws
// hal::Error naming the file, what it holds and the range when it is not one.
[[nodiscard]] unsigned read_unsigned_attribute(const fs::path& file, unsigned max);

// Write `value` with one write(2). Returns 0 or the errno, so callers can tell the
// kernel's answers (EBUSY, EINVAL) apart. A missing file is reported as ENOENT.
[[nodiscard]] int try_write_attribute(const fs::path& file, std::string_view value);

// Write `value`; throws hal::Error naming the file and value on any failure.
void write_attribute(const fs::path& file, std::string_view value, std::string_view hint = {});

// Open `file` for writing, retrying while it is missing or not yet writable (udev
// changes group and mode a few ms after export) until `deadline`, waiting through
// `pause` (Interrupted when a stop is asked for). Throws hal::Error naming the file
// when the deadline passes.
[[nodiscard]] UniqueFd open_writable_by(const fs::path& file, Clock::time_point deadline,
                                        const Pause& pause);

// open(2) of a sysfs attribute that can never block: O_NONBLOCK, then the file must be
// a regular file (a FIFO, socket or device where sysfs has an attribute is refused with
// hal::Error naming the path). Returns the fd, or an invalid one with errno set.
[[nodiscard]] UniqueFd open_attribute(const fs::path& file, int flags);

// The hint for a failed open/write of a sysfs file, by errno.
[[nodiscard]] std::string access_hint(int errnum);

}  // namespace hal::sysfs
