// SPDX-License-Identifier: MIT
#include "hal/text.hpp"

#include <charconv>

#include <fmt/format.h>

namespace hal {
namespace {

// Length of the valid UTF-8 sequence starting at `text[at]` that is not a C1 control
// (U+0080..U+009F), or 0 when the bytes there must be escaped.
std::size_t printable_sequence(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  unsigned code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1FU;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0FU;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07U;
  } else {
    return 0;
  }
  if (at + length > text.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[at + i]);
    if ((byte & 0xC0U) != 0x80U) {
      return 0;
    }
    code = (code << 6U) | (byte & 0x3FU);
  }
  const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  if (overlong || surrogate || code > 0x10FFFF || (code >= 0x80 && code <= 0x9F)) {
    return 0;
  }
  return length;
}

}  // namespace

std::optional<unsigned> parse_unsigned(std::string_view digits, unsigned max) {
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  unsigned value = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec != std::errc{} || ptr != end || value > max) {
    return std::nullopt;
  }
  return value;
}

std::string printable(std::string_view text, std::size_t limit) {
  std::string out;
  out.reserve(std::min(text.size(), limit) + 3);
  std::size_t at = 0;
  while (at < text.size()) {
    const auto byte = static_cast<unsigned char>(text[at]);
    std::string piece;
    std::size_t consumed = 1;
    if (byte >= 0x20 && byte < 0x7F) {
      piece.assign(1, static_cast<char>(byte));
    } else if (const std::size_t length = byte >= 0x80 ? printable_sequence(text, at) : 0;
               length > 0) {
      piece.assign(text.substr(at, length));
      consumed = length;
    } else {
      piece = fmt::format("\\x{:02x}", byte);
    }
    if (out.size() + piece.size() > limit) {
      out += "...";
      return out;
    }
    out += piece;
    at += consumed;
  }
  return out;
}

}  // namespace hal
