// SPDX-License-Identifier: MIT
#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "hal/hal.hpp"
#include "hal/text.hpp"

namespace hal {
namespace {

// Longer than any chip path, label or line name the kernel can have.
constexpr std::size_t kMaxSpecLength = 255;

constexpr std::string_view kForms =
    "a global number (136), CHIP:OFFSET (gpiochip0:17, /dev/gpiochip0:17, "
    "pinctrl-bcm2711:17) or a line name (GPIO17)";

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<unsigned> to_unsigned(std::string_view digits) {
  unsigned value = 0;
  const auto* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

[[noreturn]] void reject(std::string_view text, std::string_view why) {
  throw std::invalid_argument(
      fmt::format("line '{}': {}; expected {}", printable(text), why, kForms));
}

}  // namespace

LineSpec parse_line_spec(std::string_view text) {
  if (text.empty()) {
    throw std::invalid_argument(fmt::format("empty line spec; expected {}", kForms));
  }
  if (text.size() > kMaxSpecLength) {
    reject(text, fmt::format("longer than {} characters", kMaxSpecLength));
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte == 0x7f) {
      reject(text, "contains whitespace or a control character");
    }
  }

  if (all_digits(text)) {
    auto number = to_unsigned(text);
    if (!number) {
      reject(text, "number too large");
    }
    return LineSpec{GlobalNumber{*number}, printable(text, kMaxSpecLength * 4)};
  }

  if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    std::string_view chip = text.substr(0, colon);
    std::string_view offset = text.substr(colon + 1);
    if (chip.empty()) {
      reject(text, "chip missing before ':'");
    }
    if (!all_digits(offset)) {
      reject(text, "the part after the last ':' must be a line offset (a number)");
    }
    auto number = to_unsigned(offset);
    if (!number) {
      reject(text, "offset too large");
    }
    return LineSpec{ChipOffset{std::string(chip), *number}, printable(text, kMaxSpecLength * 4)};
  }

  return LineSpec{LineName{std::string(text)}, printable(text, kMaxSpecLength * 4)};
}

}  // namespace hal
