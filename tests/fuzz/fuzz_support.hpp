// SPDX-License-Identifier: MIT
// What the fuzz targets share: the input as text, and checks that end the run with a
// message naming the broken property. libFuzzer treats the abort as a crash and saves
// the input, so every property here is as binding as a sanitizer report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

namespace fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

[[noreturn]] inline void fail(std::string_view property, std::string_view detail = {}) {
  (void)std::fprintf(stderr, "fuzz: property broken: %.*s\n", static_cast<int>(property.size()),
                     property.data());
  if (!detail.empty()) {
    (void)std::fprintf(stderr, "fuzz:   %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

inline void check(bool holds, std::string_view property, std::string_view detail = {}) {
  if (!holds) {
    fail(property, detail);
  }
}

// Longer than any message the daemon composes from a few echoed inputs (each cut to
// hal::kEchoLimit) and its fixed text; a message beyond it echoes something unbounded.
inline constexpr std::size_t kMaxMessage = 2048;

// A message for a person, on one log line: not empty, bounded, and no byte a terminal
// would act on (input echoed into it must have gone through hal::printable).
// The reference reading of a number: the value of a nonempty run of ASCII digits when it
// is at most `max`, else nullopt (not digits, or too large: exact, with no overflow).
inline std::optional<std::uint64_t> digits_value(std::string_view text, std::uint64_t max) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (digit > max || value > (max - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

inline void check_message(std::string_view message) {
  check(!message.empty(), "an error message is not empty");
  check(message.size() <= kMaxMessage, "an error message is bounded", message.substr(0, 200));
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    check(byte >= 0x20 && byte != 0x7f, "an error message holds no control character", message);
  }
}

// Who makes an error message safe to show.
enum class Message : std::uint8_t {
  // The thrower: usage errors are printed as they are (gpio-blinkd: error: ...), so
  // the parsers must have escaped what they echo.
  Clean,
  // The logger, which escapes every message it writes (blinkd::Logger::write): hal::Error
  // names paths as they are, which may hold anything --sysfs-root held.
  Logged,
};

// Runs `parse`. It may fail only by throwing `Allowed` (or a class derived from it) with
// a message as `rule` requires; any other exception is a bug. Returns true when `parse`
// returned.
template <typename Allowed, typename Parse>
bool accepts(Parse&& parse, Message rule = Message::Clean) {
  try {
    std::forward<Parse>(parse)();
    return true;
  } catch (const Allowed& error) {
    if (rule == Message::Clean) {
      check_message(error.what());
    } else {
      check(std::string_view(error.what()).size() > 0, "an error message is not empty");
    }
    return false;
  } catch (const std::exception& error) {
    fail(std::string("only ") + typeid(Allowed).name() + " escapes, not " + typeid(error).name(),
         error.what());
  } catch (...) {
    fail("only standard exceptions escape");
  }
}

}  // namespace fuzz
