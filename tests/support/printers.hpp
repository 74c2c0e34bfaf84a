// SPDX-License-Identifier: MIT
// How doctest shows values it cannot print by itself, so a failed CHECK says what
// it saw.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace doctest {

template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& items) {
    std::string text = "{";
    for (const auto& item : items) {
      text += (text.size() > 1 ? ", \"" : "\"") + item + "\"";
    }
    return (text + "}").c_str();
  }
};

template <>
struct StringMaker<std::vector<bool>> {
  static String convert(const std::vector<bool>& items) {
    std::string text = "{";
    for (bool item : items) {
      text += text.size() > 1 ? ", " : "";
      text += item ? "1" : "0";
    }
    return (text + "}").c_str();
  }
};

}  // namespace doctest
