// SPDX-License-Identifier: MIT
// Bad input from the user: the message names the input and what was expected.
#pragma once

#include <stdexcept>

namespace blinkd {

class UsageError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

}  // namespace blinkd
