// SPDX-License-Identifier: MIT
#include "value_parsers.hpp"

#include <array>
#include <charconv>

namespace blinkd {

std::uint64_t parse_number(std::string_view text, std::string_view what, std::uint64_t min,
                           std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!digits || ec != std::errc{} || ptr != end || value < min || value > max) {
    throw UsageError(fmt::format("{} '{}': {}; expected a whole number from {} to {}", what,
                                 hal::printable(text),
                                 text.empty()                       ? "empty"
                                 : !digits                          ? "not a whole number"
                                 : ec == std::errc{} && value < min ? "too small"
                                                                    : "too large",
                                 min, max));
  }
  return value;
}

bool parse_bool(std::string_view text, std::string_view what) {
  static constexpr std::array kTrue{"1", "true", "yes", "on"};
  static constexpr std::array kFalse{"0", "false", "no", "off"};
  std::string lower(text.substr(0, 8));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text.size() <= 8) {
    if (std::find(kTrue.begin(), kTrue.end(), lower) != kTrue.end()) {
      return true;
    }
    if (std::find(kFalse.begin(), kFalse.end(), lower) != kFalse.end()) {
      return false;
    }
  }
  throw UsageError(fmt::format("{} '{}': {}expected 1/0, true/false, yes/no or on/off", what,
                               hal::printable(text), text.empty() ? "empty; " : ""));
}

std::string join_alternatives(const std::vector<std::string_view>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      text += i + 1 == words.size() ? " or " : ", ";
    }
    text += words[i];
  }
  return text;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos = text.find_first_not_of(" \t\n", pos);
    if (pos == std::string_view::npos) {
      break;
    }
    const std::size_t end = std::min(text.find_first_of(" \t\n", pos), text.size());
    words.emplace_back(text.substr(pos, end - pos));
    pos = end;
  }
  return words;
}

}  // namespace blinkd
