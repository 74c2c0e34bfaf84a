// SPDX-License-Identifier: MIT
// blinkd::parse_bool: exactly 1/0, true/false, yes/no, on/off in any ASCII case.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "usage_error.hpp"
#include "value_parsers.hpp"

namespace {

std::optional<bool> reference(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  constexpr std::array<std::string_view, 4> kTrue{"1", "true", "yes", "on"};
  constexpr std::array<std::string_view, 4> kFalse{"0", "false", "no", "off"};
  if (std::find(kTrue.begin(), kTrue.end(), lower) != kTrue.end()) {
    return true;
  }
  if (std::find(kFalse.begin(), kFalse.end(), lower) != kFalse.end()) {
    return false;
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<bool> parsed;
  fuzz::accepts<blinkd::UsageError>([&] { parsed = blinkd::parse_bool(text, "fuzzed boolean"); });
  fuzz::check(parsed == reference(text), "a boolean is read exactly as the six words say",
              fmt::format("'{}'", text));
  return 0;
}
