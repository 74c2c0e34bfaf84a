// SPDX-License-Identifier: MIT
// blinkd::parse_number against a reference that reads digits with saturation, for the
// ranges the option table uses and the extremes of 64 bits.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "options.hpp"
#include "usage_error.hpp"
#include "value_parsers.hpp"

namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

// The value of a string of digits, or nullopt when it is not one or exceeds 64 bits.
std::optional<std::uint64_t> reference(std::string_view text) {
  return fuzz::digits_value(text, kMax64);
}

struct Range {
  std::uint64_t min;
  std::uint64_t max;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto expected = reference(text);
  constexpr std::array kRanges{Range{1, blinkd::kMaxCount}, Range{0, kMax64}, Range{kMax64, kMax64},
                               Range{0, 0}, Range{10, 1000}};
  for (const auto& range : kRanges) {
    std::optional<std::uint64_t> parsed;
    fuzz::accepts<blinkd::UsageError>(
        [&] { parsed = blinkd::parse_number(text, "fuzzed number", range.min, range.max); });
    const bool valid = expected && *expected >= range.min && *expected <= range.max;
    fuzz::check(parsed.has_value() == valid, "a number is accepted exactly when it is in range",
                fmt::format("'{}' in [{}, {}]", text, range.min, range.max));
    fuzz::check(!parsed || *parsed == *expected, "a number has its decimal value",
                fmt::format("'{}' gave {}", text, parsed.value_or(0)));
  }
  return 0;
}
