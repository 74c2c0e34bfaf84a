// SPDX-License-Identifier: MIT
#include "duration.hpp"

#include <array>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "usage_error.hpp"

namespace blinkd {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t nanoseconds;
};

constexpr std::int64_t kSecond = 1'000'000'000;

// Longest suffixes first so "ms" is not read as "m" + "s".
constexpr std::array kUnits{
    Unit{"min", 60 * kSecond}, Unit{"ms", 1'000'000},   Unit{"us", 1'000},         Unit{"ns", 1},
    Unit{"s", kSecond},        Unit{"m", 60 * kSecond}, Unit{"h", 3600 * kSecond},
};

constexpr std::string_view kForm = "a number with a unit (ns, us, ms, s, m, h), e.g. 500ms, 1.5s";

[[noreturn]] void reject(std::string_view text, std::string_view what, std::string_view why,
                         std::string_view expected) {
  throw UsageError(
      fmt::format("{} '{}': {}; expected {}", what, hal::printable(text), why, expected));
}

bool digits_only(std::string_view part) {
  return part.find_first_not_of("0123456789") == std::string_view::npos;
}

// whole.fraction × unit in nanoseconds, or nullopt when it does not fit in 64 bits.
std::optional<std::int64_t> scaled(std::string_view whole, std::string_view fraction,
                                   std::int64_t unit, bool& too_fine) {
  std::int64_t total = 0;
  for (char c : whole) {
    if (__builtin_mul_overflow(total, 10, &total) ||
        __builtin_add_overflow(total, c - '0', &total)) {
      return std::nullopt;
    }
  }
  if (__builtin_mul_overflow(total, unit, &total)) {
    return std::nullopt;
  }
  std::int64_t scale = unit;
  for (char c : fraction) {
    if (scale == 1) {
      too_fine = too_fine || c != '0';  // trailing zeros below a nanosecond are harmless
      continue;
    }
    scale /= 10;
    if (__builtin_add_overflow(total, (c - '0') * scale, &total)) {
      return std::nullopt;
    }
  }
  return total;
}

}  // namespace

std::string describe_range(DurationRange range) {
  return fmt::format("from {} to {}", format_duration(range.min), format_duration(range.max));
}

Duration parse_duration(std::string_view text, std::string_view what, DurationRange range) {
  const std::string expected = fmt::format("{}, {}", kForm, describe_range(range));
  if (text.empty()) {
    reject(text, what, "empty", expected);
  }
  const Unit* unit = nullptr;
  for (const auto& candidate : kUnits) {
    if (text.ends_with(candidate.suffix)) {
      unit = &candidate;
      break;
    }
  }
  if (unit == nullptr) {
    reject(text, what, digits_only(text) ? "the unit is missing" : "unknown unit", expected);
  }
  const std::string_view number = text.substr(0, text.size() - unit->suffix.size());
  const auto dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || !digits_only(whole) || !digits_only(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    reject(text, what, "not a number", expected);
  }
  bool too_fine = false;
  const auto total = scaled(whole, fraction, unit->nanoseconds, too_fine);
  if (!total || Duration(*total) > range.max) {
    reject(text, what, fmt::format("longer than {}", format_duration(range.max)), expected);
  }
  if (too_fine) {
    reject(text, what, "finer than one nanosecond", expected);
  }
  if (Duration(*total) < range.min) {
    reject(text, what, fmt::format("shorter than {}", format_duration(range.min)), expected);
  }
  return Duration(*total);
}

std::string format_duration(Duration duration) {
  const std::int64_t signed_ns = duration.count();
  if (signed_ns == 0) {
    return "0s";
  }
  // The magnitude as unsigned, so that the most negative value has one too.
  const std::uint64_t ns = signed_ns < 0 ? 0 - static_cast<std::uint64_t>(signed_ns)
                                         : static_cast<std::uint64_t>(signed_ns);
  const std::string_view sign = signed_ns < 0 ? "-" : "";
  for (const auto& unit : {Unit{"h", 3600 * kSecond}, Unit{"m", 60 * kSecond}}) {
    if (ns % static_cast<std::uint64_t>(unit.nanoseconds) == 0) {
      return fmt::format("{}{}{}", sign, ns / static_cast<std::uint64_t>(unit.nanoseconds),
                         unit.suffix);
    }
  }
  constexpr std::array<Unit, 4> kFormatUnits{Unit{"s", kSecond}, Unit{"ms", 1'000'000},
                                             Unit{"us", 1'000}, Unit{"ns", 1}};
  for (const auto& unit : kFormatUnits) {
    const auto size = static_cast<std::uint64_t>(unit.nanoseconds);
    if (ns >= size || size == 1) {
      const std::uint64_t whole = ns / size;
      const std::uint64_t rest = ns % size;
      if (rest == 0) {
        return fmt::format("{}{}{}", sign, whole, unit.suffix);
      }
      std::string digits = fmt::format("{:0{}}", rest, fmt::formatted_size("{}", size) - 1);
      while (digits.back() == '0') {
        digits.pop_back();
      }
      return fmt::format("{}{}.{}{}", sign, whole, digits, unit.suffix);
    }
  }
  return fmt::format("{}{}ns", sign, ns);
}

}  // namespace blinkd
