// SPDX-License-Identifier: MIT
#include "pattern.hpp"

#include <array>
#include <numeric>

#include <fmt/format.h>

#include "hal/text.hpp"
#include "usage_error.hpp"

namespace blinkd {
namespace {

using std::chrono::milliseconds;

constexpr std::string_view kForms =
    "blink, on, off, heartbeat, fast, slow, morse:TEXT or durations separated by '/' (on, "
    "off, on, off...: 100ms/100ms/100ms/700ms)";

[[noreturn]] void reject(std::string_view text, std::string_view what, std::string_view why) {
  throw UsageError(
      fmt::format("{} '{}': {}; expected {}", what, hal::printable(text), why, kForms));
}

Pattern cycle_of(std::string_view text, std::vector<Duration> segments) {
  Pattern pattern;
  pattern.segments = std::move(segments);
  pattern.text = std::string(text);
  return pattern;
}

// Morse code of letters and digits: '.' a dot, '-' a dash.
std::string_view morse_of(char c) {
  static constexpr std::array<std::string_view, 26> kLetters{
      ".-",   "-...", "-.-.", "-..",  ".",   "..-.", "--.",  "....", "..",
      ".---", "-.-",  ".-..", "--",   "-.",  "---",  ".--.", "--.-", ".-.",
      "...",  "-",    "..-",  "...-", ".--", "-..-", "-.--", "--.."};
  static constexpr std::array<std::string_view, 10> kDigits{
      "-----", ".----", "..---", "...--", "....-", ".....", "-....", "--...", "---..", "----."};
  if (c >= 'a' && c <= 'z') {
    c = static_cast<char>(c - 'a' + 'A');
  }
  if (c >= 'A' && c <= 'Z') {
    return kLetters[static_cast<std::size_t>(c - 'A')];
  }
  if (c >= '0' && c <= '9') {
    return kDigits[static_cast<std::size_t>(c - '0')];
  }
  return {};
}

// Standard timing in units: dot 1, dash 3, between elements 1, between letters 3,
// between words 7; the cycle ends with a word gap before the text repeats. A space (or
// '_', for lists separated by spaces) separates words.
Pattern morse(std::string_view full, std::string_view text, std::string_view what, Duration unit) {
  if (text.empty()) {
    reject(full, what, "no text after 'morse:'");
  }
  if (text.size() > kMaxMorseText) {
    reject(full, what, fmt::format("Morse text longer than {} characters", kMaxMorseText));
  }
  std::vector<Duration> segments;
  bool word_gap = false;
  for (const char c : text) {
    if (c == ' ' || c == '_') {
      word_gap = !segments.empty();
      continue;
    }
    const std::string_view code = morse_of(c);
    if (code.empty()) {
      reject(full, what,
             fmt::format("'{}' has no Morse code here (letters, digits and spaces)",
                         hal::printable(std::string_view(&c, 1))));
    }
    if (!segments.empty()) {
      segments.back() = unit * (word_gap ? 7 : 3);  // the gap after the previous letter
    }
    word_gap = false;
    for (const char element : code) {
      segments.push_back(unit * (element == '-' ? 3 : 1));
      segments.push_back(unit);
    }
  }
  if (segments.empty()) {
    reject(full, what, "no letter or digit after 'morse:'");
  }
  segments.back() = unit * 7;
  return cycle_of(full, std::move(segments));
}

Pattern segment_list(std::string_view text, std::string_view what) {
  std::vector<Duration> segments;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t slash = std::min(text.find('/', start), text.size());
    if (segments.size() == kMaxSegments) {
      reject(text, what, fmt::format("more than {} segments", kMaxSegments));
    }
    segments.push_back(parse_duration(text.substr(start, slash - start),
                                      fmt::format("{} segment {}", what, segments.size() + 1),
                                      kSegmentRange));
    start = slash + 1;
  }
  if (segments.size() % 2 != 0) {
    reject(text, what,
           fmt::format("{} segments: on and off alternate, so a cycle needs an even number",
                       segments.size()));
  }
  const Duration cycle = std::accumulate(segments.begin(), segments.end(), Duration::zero());
  if (cycle > kLongestDuration) {
    reject(text, what,
           fmt::format("a cycle of {} is longer than {}", format_duration(cycle),
                       format_duration(kLongestDuration)));
  }
  return cycle_of(text, std::move(segments));
}

}  // namespace

Duration Pattern::cycle() const {
  return std::accumulate(segments.begin(), segments.end(), Duration::zero());
}

const std::vector<NamedPattern>& named_patterns() {
  static const std::vector<NamedPattern> all{
      {"blink", "on for --on, off for --off (default 1s and 1s)"},
      {"on", "steadily on"},
      {"off", "steadily off"},
      {"heartbeat",
       "on 70ms, off 245ms, on 70ms, off 875ms (1.26s: a beat, like the kernel's "
       "heartbeat trigger at rest)"},
      {"fast", "on 100ms, off 100ms (5 Hz)"},
      {"slow", "on 1s, off 1s (0.5 Hz)"},
      {"morse:TEXT",
       "TEXT in Morse code: dot 1 unit, dash 3, gap 1 within a letter, 3 between "
       "letters, 7 between words and before the text repeats (unit --morse-unit, "
       "default 120ms); letters, digits, spaces (or _)"},
  };
  return all;
}

Pattern parse_pattern(std::string_view text, std::string_view what, const PatternContext& context) {
  if (text.empty()) {
    reject(text, what, "empty");
  }
  if (text == "blink") {
    // Each of on and off is within its own bound; their sum is bounded like any cycle.
    if (context.blink_on + context.blink_off > kLongestDuration) {
      throw UsageError(fmt::format(
          "{} 'blink': on {} and off {} make a cycle of {}; expected on plus off of at most {}",
          what, format_duration(context.blink_on), format_duration(context.blink_off),
          format_duration(context.blink_on + context.blink_off),
          format_duration(kLongestDuration)));
    }
    return cycle_of(text, {context.blink_on, context.blink_off});
  }
  if (text == "on" || text == "off") {
    Pattern steady;
    steady.steady_on = text == "on";
    steady.text = std::string(text);
    return steady;
  }
  if (text == "heartbeat") {
    return cycle_of(text,
                    {milliseconds(70), milliseconds(245), milliseconds(70), milliseconds(875)});
  }
  if (text == "fast") {
    return cycle_of(text, {milliseconds(100), milliseconds(100)});
  }
  if (text == "slow") {
    return cycle_of(text, {std::chrono::seconds(1), std::chrono::seconds(1)});
  }
  if (text.starts_with("morse:")) {
    return morse(text, text.substr(6), what, context.morse_unit);
  }
  if (text.find_first_of("0123456789") != 0) {
    reject(text, what, "not a pattern name");
  }
  return segment_list(text, what);
}

std::string describe_segments(const Pattern& pattern) {
  if (pattern.steady()) {
    return pattern.steady_on ? "steady on" : "steady off";
  }
  // A log line stays readable: a long Morse text or segment list shows its start and its size.
  constexpr std::size_t kShown = 16;
  std::string text;
  for (std::size_t i = 0; i < pattern.segments.size() && i < kShown; ++i) {
    text += fmt::format("{}{} {}", i == 0 ? "" : ", ", i % 2 == 0 ? "on" : "off",
                        format_duration(pattern.segments[i]));
  }
  if (pattern.segments.size() > kShown) {
    text += fmt::format(", ... {} segments in all, a cycle of {}", pattern.segments.size(),
                        format_duration(pattern.cycle()));
  }
  return text;
}

}  // namespace blinkd
