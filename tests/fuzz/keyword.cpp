// SPDX-License-Identifier: MIT
// blinkd::parse_keyword: an exact match gives its value, anything else is refused with
// a message that lists each value once (the first of its names, never an alias).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "usage_error.hpp"
#include "value_parsers.hpp"

namespace {

using Keyword = std::pair<std::string_view, int>;

// Like the bias table: "disable" is an alias of "disabled".
constexpr std::array kKeywords{Keyword{"as-is", 0}, Keyword{"disabled", 1}, Keyword{"disable", 1},
                               Keyword{"pull-up", 2}, Keyword{"pull-down", 3}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  std::optional<int> expected;
  for (const auto& [name, value] : kKeywords) {
    if (text == name) {
      expected = value;
      break;
    }
  }
  std::optional<int> parsed;
  std::string message;
  try {
    parsed = blinkd::parse_keyword<int>(text, "fuzzed keyword", kKeywords);
  } catch (const blinkd::UsageError& error) {
    message = error.what();
    fuzz::check_message(message);
  } catch (const std::exception& error) {
    fuzz::fail("only UsageError escapes parse_keyword", error.what());
  }
  fuzz::check(parsed == expected, "a keyword is accepted exactly when it is one",
              fmt::format("'{}'", text));
  if (!parsed) {
    fuzz::check(message.ends_with("expected as-is, disabled, pull-up or pull-down"),
                "the refusal lists each value once, by its first name", message);
  }
  return 0;
}
