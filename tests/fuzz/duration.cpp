// SPDX-License-Identifier: MIT
// blinkd::parse_duration against an exact reference, for the daemon's ranges and for
// the whole 64-bit range; and format_duration's output parsed back to the same value.
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "duration.hpp"
#include "fuzz_support.hpp"
#include "usage_error.hpp"

namespace {

using blinkd::Duration;
using blinkd::DurationRange;
// Wide enough for any whole part of 19 digits times an hour in nanoseconds.
__extension__ using Wide = __int128;

constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();

bool all_digits(std::string_view text) {
  return text.find_first_not_of("0123456789") == std::string_view::npos;
}

enum class Verdict : std::uint8_t { Value, Malformed, TooFine, TooLong };

struct Reference {
  Verdict verdict = Verdict::Malformed;
  Wide ns = 0;
};

// The exact value of DIGITS[.DIGITS]UNIT in nanoseconds, as a rational evaluated in
// 128 bits: whole * unit + fraction * unit / 10^n, which must be a whole number.
Reference reference(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::int64_t ns;
  };
  // Longest match first, like any reader of "5ms" would.
  static constexpr std::array kUnits{Unit{"min", 60'000'000'000}, Unit{"ms", 1'000'000},
                                     Unit{"us", 1'000},           Unit{"ns", 1},
                                     Unit{"s", 1'000'000'000},    Unit{"m", 60'000'000'000},
                                     Unit{"h", 3'600'000'000'000}};
  const Unit* unit = nullptr;
  for (const auto& candidate : kUnits) {
    if (text.size() > candidate.suffix.size() && text.ends_with(candidate.suffix)) {
      unit = &candidate;
      break;
    }
  }
  if (unit == nullptr) {
    return {};
  }
  std::string_view number = text.substr(0, text.size() - unit->suffix.size());
  const auto dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : number.substr(dot + 1);
  if (!all_digits(whole) || !all_digits(fraction) || (whole.empty() && fraction.empty()) ||
      (dot != std::string_view::npos && fraction.empty())) {
    return {};
  }
  while (whole.size() > 1 && whole.front() == '0') {
    whole.remove_prefix(1);
  }
  while (!fraction.empty() && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  if (whole.size() > 19) {
    return {Verdict::TooLong, 0};
  }
  // A unit holds at most 2^13 and 5^11 (an hour): with more fraction digits than 25,
  // and the last one not 0, unit * fraction cannot be a multiple of 10^n.
  if (fraction.size() > 25) {
    return {Verdict::TooFine, 0};
  }
  Wide whole_value = 0;
  for (const char c : whole) {
    whole_value = whole_value * 10 + (c - '0');
  }
  Wide fraction_value = 0;
  Wide power = 1;
  for (const char c : fraction) {
    fraction_value = fraction_value * 10 + (c - '0');
    power *= 10;
  }
  const Wide fraction_ns = fraction_value * unit->ns;
  if (fraction_ns % power != 0) {
    return {Verdict::TooFine, 0};
  }
  const Wide total = whole_value * unit->ns + fraction_ns / power;
  if (total > kMaxNs) {
    return {Verdict::TooLong, 0};
  }
  return {Verdict::Value, total};
}

std::optional<Duration> parse(std::string_view text, DurationRange range) {
  std::optional<Duration> result;
  fuzz::accepts<blinkd::UsageError>(
      [&] { result = blinkd::parse_duration(text, "fuzzed duration", range); });
  return result;
}

std::string show(Wide value) {
  return fmt::format("{}", static_cast<std::int64_t>(value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const Reference expected = reference(text);
  constexpr std::array kRanges{blinkd::kSegmentRange, blinkd::kPhaseRange,
                               DurationRange{Duration::zero(), Duration(kMaxNs)}};
  for (const auto& range : kRanges) {
    const auto parsed = parse(text, range);
    const bool in_range = expected.verdict == Verdict::Value && expected.ns >= range.min.count() &&
                          expected.ns <= range.max.count();
    if (!in_range) {
      fuzz::check(!parsed,
                  "a duration that is malformed, finer than 1ns or out of range is refused",
                  fmt::format("'{}' gave {}ns", text, parsed ? parsed->count() : 0));
      continue;
    }
    fuzz::check(parsed.has_value(), "a well-formed duration in range is accepted",
                fmt::format("'{}' = {}ns", text, show(expected.ns)));
    fuzz::check(
        parsed->count() == expected.ns, "a duration has its exact value",
        fmt::format("'{}' gave {}ns, exact {}ns", text, parsed->count(), show(expected.ns)));
  }
  // Whatever the range, a value the text names exactly is shown in a form that reads
  // back to it (messages and --check print durations with format_duration).
  if (expected.verdict == Verdict::Value) {
    const Duration value(static_cast<std::int64_t>(expected.ns));
    const std::string shown = blinkd::format_duration(value);
    const auto again = parse(shown, kRanges[2]);
    fuzz::check(again && *again == value, "format_duration reads back to the same value",
                fmt::format("{}ns shown as '{}'", value.count(), shown));
  }
  return 0;
}
