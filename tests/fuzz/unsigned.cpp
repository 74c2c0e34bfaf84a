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

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  constexpr std::array kMaxima{hal::kMaxKernelNumber, hal::kMaxChipLines, unsigned{UINT_MAX}, 0U};
  for (const unsigned max : kMaxima) {
    const auto parsed = hal::parse_unsigned(text, max);
    const auto expected = fuzz::digits_value(text, max);
    const bool valid = expected.has_value();
    fuzz::check(parsed.has_value() == valid, "a number is accepted exactly when it is at most max",
                fmt::format("'{}' max {}", text, max));
    fuzz::check(!parsed || *parsed == *expected, "a number has its decimal value",
                fmt::format("'{}' gave {}", text, parsed.value_or(0)));
  }
  return 0;
}
