// SPDX-License-Identifier: MIT
// hal::parse_unsigned (numbers read from sysfs, debugfs and directory names): digits
// only, at most `max`, against a saturating reference.
#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "hal/text.hpp"

namespace {

std::optional<std::uint64_t> reference(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = std::min<std::uint64_t>(value * 10 + static_cast<std::uint64_t>(c - '0'),
                                    std::uint64_t{1} << 40U);
  }
  return value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto expected = reference(text);
  constexpr std::array kMaxima{hal::kMaxKernelNumber, hal::kMaxChipLines, unsigned{UINT_MAX}, 0U};
  for (const unsigned max : kMaxima) {
    const auto parsed = hal::parse_unsigned(text, max);
    const bool valid = expected && *expected <= max;
    fuzz::check(parsed.has_value() == valid, "a number is accepted exactly when it is at most max",
                fmt::format("'{}' max {}", text, max));
    fuzz::check(!parsed || *parsed == *expected, "a number has its decimal value",
                fmt::format("'{}' gave {}", text, parsed.value_or(0)));
  }
  return 0;
}
