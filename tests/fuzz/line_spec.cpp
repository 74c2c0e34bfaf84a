// SPDX-License-Identifier: MIT
// hal::parse_line_spec against the README's grammar: a global number, CHIP:OFFSET split
// at the last colon, or a line name; at most 255 bytes, no whitespace or control bytes.
#include <climits>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "hal/hal.hpp"
#include "hal/text.hpp"

namespace {

using Address = decltype(hal::LineSpec::address);

std::optional<unsigned> whole_number(std::string_view text) {
  const auto value = fuzz::digits_value(text, UINT_MAX);
  return value ? std::optional<unsigned>(static_cast<unsigned>(*value)) : std::nullopt;
}

bool digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

std::optional<Address> reference(std::string_view text) {
  if (text.empty() || text.size() > 255) {
    return std::nullopt;
  }
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return std::nullopt;
    }
  }
  if (digits(text)) {
    const auto number = whole_number(text);
    return number ? std::optional<Address>(hal::GlobalNumber{*number}) : std::nullopt;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return hal::LineName{std::string(text)};
  }
  const auto offset = whole_number(text.substr(colon + 1));
  if (colon == 0 || !offset) {
    return std::nullopt;
  }
  return hal::ChipOffset{std::string(text.substr(0, colon)), *offset};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<hal::LineSpec> spec;
  fuzz::accepts<std::invalid_argument>([&] { spec = hal::parse_line_spec(text); });
  const auto expected = reference(text);
  fuzz::check(spec.has_value() == expected.has_value(),
              "a line spec is accepted exactly when the grammar allows it",
              fmt::format("'{}' {}", text, spec ? "accepted" : "refused"));
  if (spec) {
    fuzz::check(spec->address == *expected, "a line spec names what the grammar says",
                fmt::format("'{}'", text));
    // The text shown in every message about the line: the input, made safe, never cut.
    fuzz::check(spec->text == hal::printable(text, SIZE_MAX),
                "the spec's text is the whole input made printable", spec->text);
  }
  return 0;
}
