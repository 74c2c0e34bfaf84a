// SPDX-License-Identifier: MIT
// hal::printable, through which every echoed input passes: its output is valid UTF-8
// without control characters (C0, DEL, C1), printable input passes unchanged, and the
// limit cuts at a piece boundary: never more than `limit` bytes before the "...", and
// never short by a whole piece.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fuzz_support.hpp"
#include "hal/text.hpp"

namespace {

// Valid UTF-8 (no overlong form, no surrogate, at most U+10FFFF) whose characters are
// neither C0 controls, DEL nor C1 controls.
bool clean_utf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
      if (lead < 0x20 || lead == 0x7f) {
        return false;
      }
      ++at;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      code = lead & 0x1FU;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      code = lead & 0x0FU;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      code = lead & 0x07U;
    } else {
      return false;
    }
    if (at + length > text.size()) {
      return false;
    }
    for (std::size_t i = 1; i < length; ++i) {
      const auto byte = static_cast<unsigned char>(text[at + i]);
      if ((byte & 0xC0U) != 0x80U) {
        return false;
      }
      code = (code << 6U) | (byte & 0x3FU);
    }
    constexpr std::array<std::uint32_t, 5> kShortest{0, 0, 0x80, 0x800, 0x10000};
    if (code < kShortest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF ||
        (code >= 0x80 && code <= 0x9F)) {
      return false;
    }
    at += length;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const std::string whole = hal::printable(text, SIZE_MAX);
  fuzz::check(clean_utf8(whole), "printable output is clean UTF-8", whole);
  fuzz::check(hal::printable(whole, SIZE_MAX) == whole, "printable output is already printable",
              whole);
  if (clean_utf8(text)) {
    fuzz::check(whole == text, "printable input passes unchanged", whole);
  } else {
    fuzz::check(whole != text, "input with a control or invalid byte is changed", whole);
  }
  // The largest piece one input byte or character becomes: "\xNN" or 4 UTF-8 bytes.
  constexpr std::size_t kLargestPiece = 4;
  constexpr std::array<std::size_t, 8> kLimits{0, 1, 3, 4, 5, 40, hal::kEchoLimit, 255};
  for (const std::size_t limit : kLimits) {
    const std::string cut = hal::printable(text, limit);
    if (whole.size() <= limit) {
      fuzz::check(cut == whole, "output within the limit is not cut",
                  fmt::format("limit {}: '{}'", limit, cut));
      continue;
    }
    fuzz::check(cut.size() >= 3 && cut.ends_with("..."), "a cut output ends with ...",
                fmt::format("limit {}: '{}'", limit, cut));
    const std::string_view kept = std::string_view(cut).substr(0, cut.size() - 3);
    fuzz::check(kept.size() <= limit, "a cut output keeps at most limit bytes before ...",
                fmt::format("limit {}: kept {} bytes", limit, kept.size()));
    fuzz::check(whole.starts_with(kept), "a cut output is a prefix of the whole output",
                fmt::format("limit {}: '{}'", limit, cut));
    fuzz::check(kept.size() + kLargestPiece > limit, "a cut drops no piece that would fit",
                fmt::format("limit {}: kept {} of {} bytes", limit, kept.size(), whole.size()));
    fuzz::check(clean_utf8(kept), "a cut never splits a character", cut);
  }
  return 0;
}
