#include "duration.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

#include <fmt/format.h>

namespace blinkd {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t nanoseconds;
};

// Longest suffixes first so "ms" is not read as "m" + "s".
constexpr std::array kUnits{
    Unit{"min", 60'000'000'000}, Unit{"ms", 1'000'000},     Unit{"us", 1'000},
    Unit{"s", 1'000'000'000},    Unit{"m", 60'000'000'000},
};

constexpr std::int64_t kLimit = std::int64_t{24} * 3600 * 1'000'000'000;  // one day

[[noreturn]] void reject(std::string_view text, std::string_view what, std::string_view why) {
  throw std::invalid_argument(
      fmt::format("{} '{}': {}; expected a number with a unit, e.g. 500ms, 1s, 1.5s, 250us, 2m",
                  what, text, why));
}

}  // namespace

Duration parse_duration(std::string_view text, std::string_view what) {
  if (text.empty()) {
    reject(text, what, "empty");
  }
  const Unit* unit = nullptr;
  for (const auto& candidate : kUnits) {
    if (text.ends_with(candidate.suffix)) {
      unit = &candidate;
      break;
    }
  }
  if (unit == nullptr) {
    reject(text, what,
           text.find_first_not_of("0123456789.") == std::string_view::npos ? "the unit is missing"
                                                                           : "unknown unit");
  }
  const std::string_view number = text.substr(0, text.size() - unit->suffix.size());
  const auto dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  auto digits_only = [](std::string_view part) {
    return part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if ((whole.empty() && fraction.empty()) || !digits_only(whole) || !digits_only(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    reject(text, what, "not a number");
  }

  std::int64_t total = 0;
  for (char c : whole) {
    total = total * 10 + (c - '0');
    if (total > kLimit) {
      reject(text, what, "longer than one day");
    }
  }
  total *= unit->nanoseconds;
  std::int64_t scale = unit->nanoseconds;
  for (char c : fraction) {
    if (scale % 10 != 0) {
      reject(text, what, "finer than one nanosecond");
    }
    scale /= 10;
    total += (c - '0') * scale;
  }
  if (total > kLimit) {
    reject(text, what, "longer than one day");
  }
  return Duration(total);
}

std::string format_duration(Duration duration) {
  const std::int64_t ns = duration.count();
  if (ns == 0) {
    return "0s";
  }
  constexpr std::array<Unit, 4> kFormatUnits{Unit{"s", 1'000'000'000}, Unit{"ms", 1'000'000},
                                             Unit{"us", 1'000}, Unit{"ns", 1}};
  for (const auto& unit : kFormatUnits) {
    if (ns >= unit.nanoseconds || unit.nanoseconds == 1) {
      const std::int64_t whole = ns / unit.nanoseconds;
      std::int64_t rest = ns % unit.nanoseconds;
      if (rest == 0) {
        return fmt::format("{}{}", whole, unit.suffix);
      }
      std::string digits =
          fmt::format("{:0{}}", rest, fmt::formatted_size("{}", unit.nanoseconds) - 1);
      while (digits.back() == '0') {
        digits.pop_back();
      }
      return fmt::format("{}.{}{}", whole, digits, unit.suffix);
    }
  }
  return fmt::format("{}ns", ns);
}

}  // namespace blinkd
