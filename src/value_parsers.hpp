// SPDX-License-Identifier: MIT
// One checked parser per kind of value a user gives (counts and other whole numbers,
// booleans, keywords); durations are in duration.hpp. Each throws UsageError naming
// `what` ("option --count", "environment variable GPIO_BLINKD_COUNT"), the input and
// what was expected, and never wraps.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "usage_error.hpp"

namespace blinkd {

// A whole number in [min, max], digits only (no sign, no spaces, no base prefix).
[[nodiscard]] std::uint64_t parse_number(std::string_view text, std::string_view what,
                                         std::uint64_t min, std::uint64_t max);

// 1/0, true/false, yes/no, on/off (any case). Empty is an error, not "false".
[[nodiscard]] bool parse_bool(std::string_view text, std::string_view what);

template <typename T>
using Keywords = std::span<const std::pair<std::string_view, T>>;

// "a, b or c" from a list of words.
[[nodiscard]] std::string join_alternatives(const std::vector<std::string_view>& words);

// One of a fixed set of keywords; the error lists them (aliases, after the first with
// the same value, are accepted but not listed).
template <typename T>
T parse_keyword(std::string_view text, std::string_view what, Keywords<T> keywords) {
  std::vector<std::string_view> listed;
  std::vector<T> seen;
  for (const auto& [name, value] : keywords) {
    if (text == name) {
      return value;
    }
    if (std::find(seen.begin(), seen.end(), value) == seen.end()) {
      seen.push_back(value);
      listed.push_back(name);
    }
  }
  throw UsageError(
      fmt::format("{} '{}': expected {}", what, hal::printable(text), join_alternatives(listed)));
}

// Words separated by spaces, tabs or newlines (GPIO_BLINKD_LINES and other lists).
[[nodiscard]] std::vector<std::string> split_words(std::string_view text);

}  // namespace blinkd
