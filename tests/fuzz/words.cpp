// SPDX-License-Identifier: MIT
// blinkd::split_words (GPIO_BLINKD_LINES): the words are the maximal runs of bytes other
// than space, tab and newline, in order, none empty.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "value_parsers.hpp"

namespace {

bool separator(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

std::vector<std::string> reference(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (const char c : text) {
    if (separator(c)) {
      if (!word.empty()) {
        words.push_back(word);
        word.clear();
      }
    } else {
      word += c;
    }
  }
  if (!word.empty()) {
    words.push_back(word);
  }
  return words;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  // Nothing to refuse: any exception out of it is a crash (std::terminate).
  const std::vector<std::string> words = blinkd::split_words(text);
  const auto expected = reference(text);
  fuzz::check(words == expected, "the words are the runs between spaces, tabs and newlines",
              fmt::format("'{}' gave {} words, expected {}", text, words.size(), expected.size()));
  return 0;
}
