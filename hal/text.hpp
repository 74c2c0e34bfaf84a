// SPDX-License-Identifier: MIT
// Text from outside (arguments, environment, sysfs, the kernel, clients) made safe to
// echo in one log line: no terminal control sequences, bounded length.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace hal {

// Default bound for an echoed input: enough for any real line spec, path or value.
inline constexpr std::size_t kEchoLimit = 120;

// `text` with control characters (C0, DEL, C1) and bytes that are not valid UTF-8
// written as \xNN, cut after `limit` bytes of output with "..." appended.
[[nodiscard]] std::string printable(std::string_view text, std::size_t limit = kEchoLimit);

// Limits of numbers the kernel hands out: global GPIO numbers and chip numbers are
// ints, a chip has at most 65535 lines (u16 ngpio).
inline constexpr unsigned kMaxKernelNumber = 2147483647;
inline constexpr unsigned kMaxChipLines = 65535;

// Digits only, at most `max`; nullopt otherwise (empty, sign, junk, overflow).
[[nodiscard]] std::optional<unsigned> parse_unsigned(std::string_view digits, unsigned max);

}  // namespace hal
